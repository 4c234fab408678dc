import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
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
import { certainlyValid } from '../variable-check.js';

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
/** Valid only as graphql-js wraps a single value into a list, which is left to it. */
const WRAPPED: unknown[] = [{ a: 'a', c: 1.5 }, [{ a: 'a', c: 1 }]];

it.each(TYPES)('judges $%s as graphql-js does, or leaves it to graphql-js', (type) => {
  const { defs } = definitions(schema, `query($x: ${type}, $y: Int = 3) { ok }`);
  const known = !/Color|One|Even/.test(type);
  for (const value of [...VALUES, ...WRAPPED, undefined]) {
    const inputs = value === undefined ? {} : { x: value };
    const ours = certainlyValid(schema, defs, inputs);
    const theirs = getVariableValues(schema, defs, inputs).errors === undefined;
    if (ours) expect({ type, value, theirs }).toEqual({ type, value, theirs: true });
    // A single value for a list (at any depth) is wrapped by graphql-js; every other valid one is taken here.
    const single =
      WRAPPED.includes(value) ||
      type.startsWith('[[') ||
      (type.startsWith('[') && value !== null && !Array.isArray(value));
    if (known && theirs && !single) expect({ type, value, ours }).toEqual({ type, value, ours: true });
  }
});
