import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import gql from 'graphql-tag';
import { buildSchema, type BuildSchemaOptions, createResolversMap, type PubSub } from 'type-graphql';
import { authChecker } from './auth.js';
import { DateTimeISO } from './date-time.js';

/** `{ Type: { field: resolver } }`, as @apollo/subgraph takes it (its type is not exported). */
type GraphQLResolverMap<_C = unknown> = NonNullable<
  Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']
>;

/** The Federation version a subgraph declares unless it chooses another (the newest these packages know). */
export const FEDERATION_VERSION = '2.14';
/** The directives a subgraph imports unless it names its own list. */
export const FEDERATION_IMPORTS = [
  '@key',
  '@shareable',
  '@external',
  '@requires',
  '@provides',
  '@inaccessible',
  '@tag',
  '@interfaceObject',
  '@override',
  '@composeDirective',
];

export interface SubgraphOptions {
  resolvers: BuildSchemaOptions['resolvers'];
  orphanedTypes?: BuildSchemaOptions['orphanedTypes'];
  /** `{ TypeName: { __resolveReference } }` for each entity this subgraph can resolve. */
  references?: GraphQLResolverMap<unknown>;
  /** The subgraph's `@link` to Federation: its version (`2.7`...) and the directives it imports. */
  federation?: { version?: string; imports?: readonly string[] };
  /**
   * Schema-level SDL, added as written: custom directive definitions, `extend schema @link(...)`
   * for their spec and `@composeDirective(name: "@custom")` to keep them in the supergraph.
   */
  sdl?: string;
}

/** `extend schema @link(...)` to the Federation spec, with these choices. */
export function federationLink(federation: SubgraphOptions['federation'] = {}): string {
  const version = federation.version ?? FEDERATION_VERSION;
  if (!/^2\.\d+$/.test(version)) throw new Error(`federation version must look like 2.7, not ${version}`);
  const imports = (federation.imports ?? FEDERATION_IMPORTS).map((name) => JSON.stringify(name)).join(', ');
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v${version}", import: [${imports}])`;
}

/**
 * Subscriptions here name their source with `subscribe` (an `eventStream` on the event bus), never
 * type-graphql topics; type-graphql still asks for a PubSub once a subscription exists.
 */
const topicsUnused: PubSub = {
  publish: () => {
    throw new Error('publish on the event bus (kit events)');
  },
  subscribe: () => {
    throw new Error('give @Subscription a `subscribe` (kit eventStream)');
  },
};

/** Builds a federation v2 subgraph schema from type-graphql classes. */
export async function buildFederatedSchema(options: SubgraphOptions): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    authChecker,
    scalarsMap: [{ type: Date, scalar: DateTimeISO }],
    pubSub: topicsUnused,
    validate: false,
    // A subgraph may have no Query of its own (it only extends entities).
    skipCheck: true,
  });
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<unknown>;
  for (const [type, fields] of Object.entries(options.references ?? {})) {
    resolvers[type] = { ...(resolvers[type] as object), ...(fields as object) } as GraphQLResolverMap<unknown>[string];
  }
  return buildSubgraphSchema({
    typeDefs: gql`
      ${federationLink(options.federation)}
      ${options.sdl ?? ''}
      ${printSchemaWithDirectives(schema)}
    `,
    resolvers,
  });
}

/** The subgraph's SDL as composition reads it (what `schema.graphql` holds). */
export function printSdl(schema: GraphQLSchema): string {
  return `${printSubgraphSchema(schema).trim()}\n`;
}

/** A subgraph's `print-schema` script: writes its SDL to `schema.graphql` in `dir`. */
export async function writeSdl(schema: Promise<GraphQLSchema>, dir: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await writeFile(join(dir, 'schema.graphql'), printSdl(await schema));
}
