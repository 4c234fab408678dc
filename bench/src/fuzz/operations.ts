import {
  getNamedType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  GraphQLInputObjectType,
  GraphQLEnumType,
  GraphQLList,
  GraphQLNonNull,
  type GraphQLObjectType,
  type GraphQLSchema,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  GraphQLScalarType,
  type GraphQLNamedType,
} from 'graphql';
import { hostileNumber, hostileString } from './hostile.js';
import type { Random } from './random.js';

/** One generated operation: the document, its variables, and the root it starts from. */
export interface Operation {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  root: 'query' | 'mutation' | 'subscription';
}

/**
 * Random operations over a schema: real fields with arguments of the right type most of the
 * time and of the wrong type, hostile or missing some of the time; selections that go deeper
 * than the limits, aliases, fragments, directives, and now and then several operations at once.
 */
export class OperationGenerator {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly random: Random,
  ) {}

  next(): Operation {
    const { random, schema } = this;
    const root = random.chance(0.6) ? 'query' : random.chance(0.8) ? 'mutation' : 'subscription';
    const type = (
      root === 'query'
        ? schema.getQueryType()
        : root === 'mutation'
          ? schema.getMutationType()
          : schema.getSubscriptionType()
    )!;
    const variables: Record<string, unknown> = {};
    const declarations: string[] = [];
    const depth = random.chance(0.1) ? 20 : 1 + random.int(5);
    const fields = Array.from({ length: root === 'subscription' ? 1 : 1 + random.int(3) }, () =>
      this.field(type, depth, variables, declarations),
    );
    const name = random.chance(0.5) ? `Fuzz${random.int(1000)}` : undefined;
    const header = `${root}${name ? ` ${name}` : ''}${declarations.length ? `(${declarations.join(', ')})` : ''}`;
    let query = `${header} { ${fields.join(' ')} }`;
    let operationName = name;
    if (random.chance(0.05)) {
      // Several operations: which one runs depends on operationName, sometimes missing or wrong.
      query += ` query Other { __typename }`;
      operationName = random.pick([undefined, name, 'Other', 'Missing']);
    }
    return { query, variables, operationName, root };
  }

  private field(
    type: GraphQLObjectType,
    depth: number,
    variables: Record<string, unknown>,
    declarations: string[],
  ): string {
    const { random } = this;
    const candidates = Object.values(type.getFields());
    const field = random.chance(0.02)
      ? ({ name: `unknown${random.int(9)}`, args: [], type } as unknown as GraphQLField<unknown, unknown>)
      : random.pick(candidates);
    const alias = random.chance(0.1) ? `a${random.int(1e6)}: ` : '';
    const args = field.args
      .filter((arg) => (arg.type instanceof GraphQLNonNull ? !random.chance(0.05) : random.chance(0.5)))
      .map((arg) => `${arg.name}: ${this.argument(arg, variables, declarations)}`);
    const directive = random.chance(0.05)
      ? random.pick([' @include(if: true)', ' @skip(if: false)', ' @skip(if: "yes")', ' @nope'])
      : '';
    const named = getNamedType(field.type);
    const selection = isCompositeType(named) ? ` { ${this.selection(named, depth - 1, variables, declarations)} }` : '';
    return `${alias}${field.name}${args.length ? `(${args.join(', ')})` : ''}${directive}${selection}`;
  }

  private selection(
    type: GraphQLNamedType,
    depth: number,
    variables: Record<string, unknown>,
    declarations: string[],
  ): string {
    const { random } = this;
    if (isUnionType(type) || isInterfaceType(type)) {
      const possible = this.schema.getPossibleTypes(type);
      const on = random.pick(possible);
      return `__typename ... on ${on.name} { ${this.selection(on, depth, variables, declarations)} }`;
    }
    if (!isObjectType(type)) return '__typename';
    const fields = Object.values(type.getFields());
    const leaves = fields.filter((f) => !isCompositeType(getNamedType(f.type)));
    const nested = fields.filter((f) => isCompositeType(getNamedType(f.type)));
    const parts: string[] = [];
    if (leaves.length) parts.push(random.pick(leaves).name);
    if (depth > 0 && nested.length && random.chance(0.7)) parts.push(this.field(type, depth, variables, declarations));
    if (random.chance(0.05)) parts.push(`... on ${type.name} { __typename }`);
    return parts.length ? parts.join(' ') : '__typename';
  }

  /** A literal, or a variable declared with the argument's type (or a wrong one, now and then). */
  private argument(arg: GraphQLArgument, variables: Record<string, unknown>, declarations: string[]): string {
    const { random } = this;
    const value = this.value(arg.type, 0);
    if (random.chance(0.5)) {
      const name = `v${declarations.length}`;
      const declared = random.chance(0.05) ? 'Int' : String(arg.type);
      declarations.push(`$${name}: ${declared}`);
      if (!random.chance(0.03)) variables[name] = value;
      return `$${name}`;
    }
    return literal(value, arg.type);
  }

  private value(type: GraphQLInputType, depth: number): unknown {
    const { random } = this;
    if (random.chance(0.05)) return random.pick([null, hostileString(random), hostileNumber(random), true, [], {}]);
    if (type instanceof GraphQLNonNull) return this.value(type.ofType, depth);
    if (type instanceof GraphQLList) {
      const length = random.chance(0.02) ? 10_000 : random.int(4);
      return Array.from({ length }, () => this.value(type.ofType, depth + 1));
    }
    if (type instanceof GraphQLEnumType)
      return random.chance(0.9) ? random.pick(type.getValues()).value : 'NOT_A_VALUE';
    if (type instanceof GraphQLInputObjectType) {
      if (depth > 4) return {};
      const entries = Object.values(type.getFields())
        .filter((field) => field.type instanceof GraphQLNonNull || random.chance(0.5))
        .map((field) => [field.name, this.value(field.type, depth + 1)]);
      return Object.fromEntries(entries);
    }
    return this.scalar(type as GraphQLScalarType);
  }

  private scalar(type: GraphQLScalarType): unknown {
    const { random } = this;
    switch (type.name) {
      case 'Int':
        return random.chance(0.7) ? random.int(50) : hostileNumber(random);
      case 'Float':
        return random.chance(0.7) ? random.next() * 100 : hostileNumber(random);
      case 'Boolean':
        return random.chance(0.5);
      case 'DateTimeISO':
        return random.chance(0.7) ? new Date(Date.now() - random.int(1e10)).toISOString() : hostileString(random);
      case 'JSONObject':
        return random.chance(0.7)
          ? { k: hostileString(random), n: hostileNumber(random), [hostileString(random)]: [1, { x: null }] }
          : hostileString(random);
      default:
        return hostileString(random);
    }
  }
}

/** A value as a GraphQL literal (enum values bare where the type is an enum). */
function literal(value: unknown, type: GraphQLInputType): string {
  const named = getNamedType(type);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string' && named instanceof GraphQLEnumType && /^[_A-Za-z]\w*$/.test(value)) return value;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const inner =
    type instanceof GraphQLNonNull || type instanceof GraphQLList ? (type.ofType as GraphQLInputType) : type;
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, inner)).join(', ')}]`;
  const fields = named instanceof GraphQLInputObjectType ? named.getFields() : {};
  return `{ ${Object.entries(value as Record<string, unknown>)
    .filter(([key]) => /^[_A-Za-z]\w*$/.test(key))
    .map(([key, item]) => `${key}: ${literal(item, fields[key]?.type ?? type)}`)
    .join(', ')} }`;
}
