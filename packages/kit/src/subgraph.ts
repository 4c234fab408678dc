import type { IncomingHttpHeaders } from 'node:http';
import type { Options } from '@mikro-orm/core';
import type { Express, Request } from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphQLSchema } from 'graphql';
import { AssertionVerifier, NotThroughGateway, VIEWER_HEADER } from './assertion.js';
import type { AuthContext } from './auth.js';
import { type Migrations, openDatabase, type Orm, pingDatabase } from './db.js';
import { createEventBus, type EventBus } from './events.js';
import type { StreamPosition } from './event-stream.js';
import { startEmbeddedPostgres } from './embedded.js';
import { commonEnv, debugErrors, loadEnv, type z } from './env.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { gatewayPublicKeys } from './signing-keys.js';
import {
  announceIdentityChange,
  identityChangesPlugin,
  throughGateway,
  withIdentityChanges,
} from './subgraph-identity.js';
import {
  awaitStartSignal,
  checkDependencies,
  type RequestContext,
  type RequestInfo,
  type Service,
  socketCaller,
  startService,
  stopOnSignals,
} from './server.js';

export type CommonEnv = z.infer<z.ZodObject<typeof commonEnv>> & { PORT: number };

/** What every subgraph's request context carries: its own entity manager, the caller, the headers, the event bus. */
export interface SubgraphContext extends RequestContext, AuthContext {
  /** This request's own entity manager, forked on first use (a subscription waiting for events holds none). */
  em: EntityManager;
  /**
   * Starts the request's entity manager and DataLoaders (`withLoaders`) anew: each event of a
   * subscription is resolved like a request of its own, nothing cached across events.
   */
  fresh(): void;
  headers: IncomingHttpHeaders;
  events: EventBus;
  /** A subscription's place in its event stream (pass it to `eventStream`); over WebSocket only. */
  position?: StreamPosition;
  /**
   * After a user's role, password or existence changed (`{ userId }`) or an API token was revoked
   * (`{ tokenId }`): announces it to every confirmer and subgraph, stops trusting older assertions
   * here at once, and tells the gateway that carries this response (extensions.identityChanged),
   * so the caller's next request through it is confirmed anew.
   */
  identityChanged(change: { userId: string } | { tokenId: string }): Promise<void>;
}

export interface PrepareDeps {
  orm: Orm;
  logger: Logger;
  events: EventBus;
  metrics: Metrics;
}

/** What a subgraph's own HTTP routes get to work with. */
export interface RouteDeps {
  orm: Orm;
  /** Who the gateway says is calling (the request's viewer assertion, verified). */
  caller: (req: Request) => Promise<AuthContext>;
  logger: Logger;
}

/** Where a subgraph keeps its data: its own schema, entities and migrations; or nowhere. */
type Storage =
  | { database?: true; entities: NonNullable<Options['entities']>; migrations: Migrations }
  | {
      /** A subgraph that only serves a schema: no PostgreSQL (its `em` and `orm` refuse use). */
      database: false;
      entities?: never;
      migrations?: never;
    };

/** A subgraph as the kernel runs it: env → ORM (migrated) → schema → listen. */
export type SubgraphDefinition<C extends SubgraphContext> = Storage & {
  /** Service name, and the Postgres schema it owns. */
  name: string;
  schema: () => Promise<GraphQLSchema>;
  /** Adds the subgraph's own parts (DataLoaders...) to the base context of a request. */
  context: (base: SubgraphContext) => C;
  /**
   * Runs after migrations, before listening (the first admin, event subscriptions, timers);
   * may return what to stop on shutdown.
   */
  prepare?: (deps: PrepareDeps) => Promise<void | (() => Promise<void>)>;
  /** HTTP routes beside GraphQL (uploads, downloads, exports), for requests through the gateway. */
  routes?: (app: Express, deps: RouteDeps) => void;
  /**
   * Routes anyone may call, without a viewer assertion (as /health, /ready and /metrics): the
   * issuer's public keys and token confirmation.
   */
  publicRoutes?: (app: Express, deps: { orm: Orm; logger: Logger }) => void;
};

/** What a subgraph without a database gets for `em` and `orm`: an error naming why, on any use. */
const noDatabase = new Proxy(
  {},
  {
    get(_target, property) {
      if (property === 'then') return undefined;
      throw new Error(`this subgraph has no database (database: false): ${String(property)} is not there`);
    },
  },
) as never;

export async function startSubgraph<C extends SubgraphContext, E extends CommonEnv>(
  definition: SubgraphDefinition<C>,
  env: E & { DATABASE_URL?: string },
  logger: Logger = createLogger(definition.name, env.LOG_LEVEL),
): Promise<Service> {
  const metrics = createMetrics(definition.name);
  const orm: Orm =
    definition.database === false
      ? noDatabase
      : await openDatabase({
          url: requireDatabaseUrl(env.DATABASE_URL),
          schema: definition.name,
          entities: definition.entities,
          migrations: definition.migrations,
          logger,
          queryCounter: metrics.dbQueries,
          poolSize: env.DB_POOL_SIZE,
        });
  const closeOrm = () => (definition.database === false ? Promise.resolve() : orm.close());
  let events: EventBus | undefined;
  let stopPrepared: void | (() => Promise<void>) = undefined;
  try {
    events = await createEventBus({
      databaseUrl: env.EVENTS_DATABASE_URL ?? env.DATABASE_URL,
      redisUrl: env.REDIS_URL,
      natsUrl: env.NATS_URL,
      retentionSec: env.EVENTS_RETENTION_SEC,
      logger,
    });
    stopPrepared = await definition.prepare?.({ orm, logger, events, metrics });
    // Every request comes through the gateway, which says who is calling in a signed assertion.
    const verifier = new AssertionVerifier(await gatewayPublicKeys(env), definition.name);
    await verifier.watch(events);
    const callerOf = (headers: IncomingHttpHeaders) => verifier.verify(headers[VIEWER_HEADER]);
    const schema = await definition.schema();
    return await startService<C>({
      name: definition.name,
      port: env.PORT,
      host: env.HOST,
      logger,
      metrics,
      production: env.NODE_ENV === 'production',
      debugErrors: debugErrors(env),
      metricsEndpoint: { port: env.METRICS_PORT, token: env.METRICS_TOKEN },
      graphql: { schema },
      inlineTraces: env.INLINE_TRACES,
      websocket: {
        schema,
        // A socket that did not come from the gateway is closed before any operation (4403).
        onConnect: async (ctx) => {
          try {
            await callerOf(socketCaller(ctx).headers);
            return true;
          } catch {
            return false;
          }
        },
        // Each event's cursor (for the gateway to resume from), and whether some were missed.
        extensions: ({ position }) => {
          if (!position?.cursor && !position?.missed) return undefined;
          const missedEvents = position.missed || undefined;
          position.missed = false;
          return { cursor: position.cursor, missedEvents };
        },
      },
      context: async ({ headers, requestId, log, extensions }: RequestInfo) => {
        const changed: string[] = [];
        return withIdentityChanges(
          definition.context(
            requestScope(definition.database === false ? () => noDatabase : () => orm.em.fork(), {
              requestId,
              log,
              headers,
              events: events!,
              ...(extensions && { position: streamPosition(extensions) }),
              ...(await (extensions ? operationCaller(callerOf, headers) : callerOf(headers))),
              identityChanged: announceIdentityChange(verifier, events!, log, changed),
            }),
          ),
          changed,
        );
      },
      plugins: [identityChangesPlugin],
      ready: () => checkDependencies(definition.database === false ? {} : { database: () => pingDatabase(orm) }),
      routes: (app) => {
        definition.publicRoutes?.(app, { orm, logger });
        app.use(throughGateway(callerOf));
        definition.routes?.(app, { orm, logger, caller: (req) => callerOf(req.headers) });
      },
      shutdownDelayMs: env.SHUTDOWN_DELAY_MS,
      onClose: async () => {
        if (stopPrepared) await stopPrepared();
        await events?.close();
        await closeOrm();
      },
    });
  } catch (error) {
    if (stopPrepared) await stopPrepared();
    await events?.close();
    await closeOrm();
    throw error;
  }
}

/**
 * The caller of one operation on a WebSocket: an assertion that does not hold refuses that
 * operation (UNAUTHENTICATED from its resolvers), not the socket, which the gateway shares among
 * all its callers' subscriptions.
 */
async function operationCaller(
  callerOf: (headers: IncomingHttpHeaders) => Promise<AuthContext>,
  headers: IncomingHttpHeaders,
): Promise<AuthContext> {
  try {
    return await callerOf(headers);
  } catch (error) {
    if (!(error instanceof NotThroughGateway)) throw error;
    return { viewer: null, authError: error };
  }
}

/**
 * A request's context whose entity manager is forked on first use and again after `fresh()`:
 * contexts are extended in place (`Object.assign`, `withLoaders`), never spread, so that stays so.
 */
function requestScope(fork: () => EntityManager, fields: Omit<SubgraphContext, 'em' | 'fresh'>): SubgraphContext {
  let em: EntityManager | undefined;
  return Object.defineProperties(fields as SubgraphContext, {
    em: { get: () => (em ??= fork()), enumerable: true },
    fresh: { value: () => (em = undefined) },
  });
}

/** Where the gateway asks a subscription to resume (`extensions.resume.after`), if it does. */
function streamPosition(extensions: Readonly<Record<string, unknown>>): StreamPosition {
  const resume = extensions.resume as { after?: unknown } | undefined;
  if (typeof resume !== 'object' || resume === null) return {};
  return { resume: typeof resume.after === 'string' ? { after: resume.after } : {} };
}

function requireDatabaseUrl(url: string | undefined): string {
  if (!url) throw new Error('DATABASE_URL is required (or the definition says database: false)');
  return url;
}

/**
 * What a subgraph package's index exports as `service`: its settings and how to start it, so the
 * registry (supergraph.yaml) is all that whoever runs subgraphs (tests, benchmarks) needs.
 */
export interface SubgraphPackage<S extends z.ZodRawShape = z.ZodRawShape> {
  env: S;
  start: (env: z.infer<z.ZodObject<S>> & { DATABASE_URL: string }, logger?: Logger) => Promise<Service>;
}

/** `<NAME>_DATABASE_URL` (SESSIONS_DATABASE_URL...): the service's own database, when it has one. */
export function ownDatabaseUrl(name: string): string | undefined {
  const key = `${name.toUpperCase().replace(/-/g, '_')}_DATABASE_URL`;
  return loadEnv({ [key]: commonEnv.DATABASE_URL })[key] as string | undefined;
}

/**
 * A service's `main.ts` (a subgraph's, the gateway's): reads its env (exiting on problems), starts
 * embedded PostgreSQL when DATABASE_URL is unset, starts the service (on `<NAME>_DATABASE_URL`
 * when set, with events on the shared database) and stops it on SIGTERM/SIGINT.
 */
export function runService<S extends z.ZodRawShape>(
  name: string,
  shape: S,
  start: (env: z.infer<z.ZodObject<S>> & { DATABASE_URL: string }, logger: Logger) => Promise<Service>,
  { database = true }: { database?: boolean } = {},
): void {
  const main = async () => {
    const env = loadEnv(shape) as z.infer<z.ZodObject<S>> & CommonEnv;
    const logger = createLogger(name, env.LOG_LEVEL);
    let service: Service | undefined;
    let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
    // Registered first, so a signal during a slow start still stops what has started.
    stopOnSignals(logger, async () => {
      await service?.close();
      await embedded?.stop();
    });
    await awaitStartSignal();
    try {
      // A subgraph without a database (database: false) never starts one.
      if (!env.DATABASE_URL && database)
        embedded = await startEmbeddedPostgres({ dataDir: env.DATA_DIR, port: env.EMBEDDED_PG_PORT });
      const shared = (env.DATABASE_URL ?? embedded?.url) as string;
      // A service may keep its data in a database of its own; events still travel the shared one.
      const own = ownDatabaseUrl(name);
      const settings = { ...env, EVENTS_DATABASE_URL: env.EVENTS_DATABASE_URL ?? shared };
      service = await start({ ...settings, DATABASE_URL: own ?? shared }, logger);
      // For a supervisor (npm start): this process serves now.
      process.send?.({ started: true });
    } catch (error) {
      await embedded?.stop();
      throw error;
    }
  };
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
