import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { ApolloGateway } from '@apollo/gateway';
import {
  buildSchema,
  getVariableValues,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLObjectType,
  GraphQLString,
  type OperationDefinitionNode,
  parse,
} from 'graphql';
import { certainlyValid, checkVariablesQuickly } from '../variable-check.js';

const definitions = (schema: GraphQLSchema, query: string) => ({
  schema,
  defs: (parse(query).definitions[0] as OperationDefinitionNode).variableDefinitions ?? [],
});

it('takes an ingestReadings batch of 10,000, as columns or as objects, on the gateway API schema without graphql-js', () => {
  const sdl = readFileSync(join(__dirname, '..', '..', '..', 'supergraph.graphql'), 'utf8');
  const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
  const { defs } = definitions(schema, 'mutation($b: ID!, $c: ReadingColumns, $r: [ReadingInput!]) { __typename }');
  const n = 10_000;
  const codes = Array.from({ length: n }, (_, i) => `S-${i % 100}`);
  const times = Array.from({ length: n }, (_, i) => new Date(Date.UTC(2026, 11, 1) + i * 1000).toISOString());
  const values = Array.from({ length: n }, (_, i) => i / 7);
  const columns = { b: 'batch-1', c: { sensorCodes: codes, times, values } };
  const objects = { b: 'batch-2', r: codes.map((sensorCode, i) => ({ sensorCode, at: times[i], value: values[i] })) };
  for (const inputs of [columns, objects]) {
    expect(certainlyValid(schema, defs, inputs)).toBe(true);
    expect(getVariableValues(schema, defs, inputs).errors).toBeUndefined();
  }
  // One value graphql-js would refuse, and it is graphql-js's to refuse.
  const wrong = { ...columns, c: { ...columns.c, values: [...values.slice(0, -1), 'x'] } };
  expect(certainlyValid(schema, defs, wrong)).toBe(false);
  expect(certainlyValid(schema, defs, { ...objects, r: [...objects.r, { sensorCode: 'S-1', at: times[0] }] })).toBe(
    false,
  );
});

// Every kind of variable, against graphql-js itself on many values: whatever certainlyValid
// passes, graphql-js passes; of scalars, input objects and lists it passes all graphql-js does.
const parsesItself = new GraphQLScalarType({ name: 'Even', parseValue: (v) => (v === 2 ? v : undefined) });
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
  types: [
    parsesItself,
    ...Object.values(
      buildSchema(`scalar Any enum Color { RED BLUE } input Point { x: Int! }
        input Pair { a: String!, b: Int = 3, c: [Float!] } input One @oneOf { a: String, b: Int }
        type Query { ok: String }`).getTypeMap(),
    ).filter((t) => ['Any', 'Color', 'Point', 'Pair', 'One'].includes(t.name)),
  ],
});
// prettier-ignore
const TYPES = [
  'String', 'String!', 'Int', 'Int!', 'Float', 'Float!', 'Boolean', 'ID', 'ID!', 'Any', 'Any!',
  '[String]', '[String!]', '[String!]!', '[Int!]!', '[Float]', '[ID!]', '[Any!]!', '[[Int!]]',
  'Point', 'Point!', '[Point!]', 'Pair', '[Pair]', 'Color', '[Color!]', 'One', 'Even', '[Even!]',
];
// prettier-ignore
const VALUES: unknown[] = [
  null, 'a', '', 0, 1, -1, 1.5, 2, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 1e300, true, false, 'RED', {}, [],
  ['a'], ['a', null], [1, 2], [1, null], [1.5], [true], ['RED'], [[1]], [[1, null]], [null], [2], [[]],
  { x: 1 }, { x: null }, { x: 1.5 }, { x: 2 ** 31 }, { x: 1, y: 2 }, [{ x: 1 }], [{ x: 1 }, null], [{}],
  { a: 'a' }, { a: 'a', b: null }, { a: 'a', b: 1, c: [1.5] }, { a: 'a', c: [null] }, { a: null }, { b: 1 },
  [{ a: 'a' }, { a: 'b', c: [1] }], { a: 'a', b: 1 },
];
/**
 * Left to graphql-js whatever it makes of them: a single value it wraps into a list, holes and
 * undefined (null to it, or left out), keys of Object.prototype's, numbers JSON makes of 1e400.
 */
// prettier-ignore
const DOUBTFUL: unknown[] = [
  // Holes on purpose: graphql-js reads them as undefined.
  // eslint-disable-next-line no-sparse-arrays
  { a: 'a', c: 1.5 }, [{ a: 'a', c: 1 }], [, 1], [, { x: 1 }], new Array(2), [undefined], [[1], [, 1]],
  { x: undefined }, { a: 'a', b: undefined }, JSON.parse('{"__proto__": {"x": 1}}'), JSON.parse('{"x": 1, "constructor": 1}'),
  JSON.parse('1e400'), JSON.parse('-1e400'), [JSON.parse('1e400')], { a: 'a', c: [JSON.parse('1e400')] }, Number.NaN, -0,
];

it.each(TYPES)('judges $%s as graphql-js does, or leaves it to graphql-js', (type) => {
  const { defs } = definitions(schema, `query($x: ${type}, $y: Int = 3) { ok }`);
  const known = !/Color|One|Even/.test(type);
  for (const value of [...VALUES, ...DOUBTFUL, undefined]) {
    const inputs = value === undefined ? {} : { x: value };
    const ours = certainlyValid(schema, defs, inputs);
    const theirs = getVariableValues(schema, defs, inputs).errors === undefined;
    if (ours) expect({ type, value, theirs }).toEqual({ type, value, theirs: true });
    // Every value graphql-js takes is taken here, but those in doubt and any a list wraps.
    const single =
      DOUBTFUL.includes(value) ||
      type.startsWith('[[') ||
      (type.startsWith('[') && value !== null && !Array.isArray(value));
    if (known && theirs && !single) expect({ type, value, ours }).toEqual({ type, value, ours: true });
  }
});

it('takes a left-out variable with a default, refuses to judge a type it does not know', () => {
  const withDefault = definitions(schema, 'query($x: Int! = 3) { ok }');
  expect(certainlyValid(schema, withDefault.defs, {})).toBe(true);
  expect(getVariableValues(schema, withDefault.defs, {}).errors).toBeUndefined();
  expect(certainlyValid(schema, definitions(schema, 'query($x: Nope) { ok }').defs, {})).toBe(false);
  expect(certainlyValid(schema, definitions(schema, 'query($x: Query) { ok }').defs, { x: {} })).toBe(false);
});

it("replaces the gateway's own check on the instance, and answers with it where it cannot judge", () => {
  const sdl = readFileSync(join(__dirname, '..', '..', '..', 'supergraph.graphql'), 'utf8');
  const api = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
  const gateway = new ApolloGateway({ supergraphSdl: sdl });
  const original = (gateway as unknown as { validateIncomingRequest: unknown }).validateIncomingRequest;
  checkVariablesQuickly(gateway);
  const validate = (gateway as unknown as { validateIncomingRequest: (r: unknown, o: unknown) => Error[] })
    .validateIncomingRequest;
  expect(validate).not.toBe(original);
  const operation = parse('query($n: Int) { __typename }').definitions[0];
  expect(validate.call(gateway, { request: { variables: { n: 1 } } }, { schema: api, operation })).toEqual([]);
  const errors = validate.call(gateway, { request: { variables: { n: 'many' } } }, { schema: api, operation });
  expect(errors.map((e) => e.message)).toEqual([
    'Variable "$n" got invalid value "many"; Int cannot represent non-integer value: "many"',
  ]);
});
