import type { IncomingHttpHeaders } from 'node:http';
import type { Options } from '@mikro-orm/core';
import type { Express } from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphQLSchema } from 'graphql';
import { Auth, type AuthContext, resolveJwtSecret, type TokenChecks } from './auth.js';
import { type Migrations, openDatabase, type Orm, pingDatabase } from './db.js';
import { createEventBus, type EventBus } from './events.js';
import { startEmbeddedPostgres } from './embedded.js';
import { commonEnv, debugErrors, loadEnv, type z } from './env.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import {
  checkDependencies,
  type RequestContext,
  type RequestInfo,
  type Service,
  startService,
  stopOnSignals,
} from './server.js';

export type CommonEnv = z.infer<z.ZodObject<typeof commonEnv>> & { PORT: number };

/** What every subgraph's request context carries: its own entity manager, the caller, the headers, the event bus. */
export interface SubgraphContext extends RequestContext, AuthContext {
  em: EntityManager;
  headers: IncomingHttpHeaders;
  events: EventBus;
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
  auth: Auth;
  logger: Logger;
}

/** A subgraph as the kernel runs it: env → ORM (migrated) → schema → listen. */
export interface SubgraphDefinition<C extends SubgraphContext> {
  /** Service name, and the Postgres schema it owns. */
  name: string;
  entities: NonNullable<Options['entities']>;
  migrations: Migrations;
  schema: () => Promise<GraphQLSchema>;
  /** Adds the subgraph's own parts (DataLoaders...) to the base context of a request. */
  context: (base: SubgraphContext, auth: Auth) => C;
  /** How this subgraph confirms tokens (the users package exports `tokenChecks`). */
  tokenChecks: (orm: Orm) => TokenChecks;
  /**
   * Runs after migrations, before listening (the first admin, event subscriptions, timers);
   * may return what to stop on shutdown.
   */
  prepare?: (deps: PrepareDeps) => Promise<void | (() => Promise<void>)>;
  /** HTTP routes beside GraphQL (uploads, downloads, exports). */
  routes?: (app: Express, deps: RouteDeps) => void;
}

export async function startSubgraph<C extends SubgraphContext, E extends CommonEnv>(
  definition: SubgraphDefinition<C>,
  env: E & { DATABASE_URL: string },
  logger: Logger = createLogger(definition.name, env.LOG_LEVEL),
): Promise<Service> {
  const metrics = createMetrics(definition.name);
  const orm = await openDatabase({
    url: env.DATABASE_URL,
    schema: definition.name,
    entities: definition.entities,
    migrations: definition.migrations,
    logger,
    queryCounter: metrics.dbQueries,
  });
  let events: EventBus | undefined;
  let stopPrepared: void | (() => Promise<void>) = undefined;
  try {
    events = await createEventBus({ databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, logger });
    stopPrepared = await definition.prepare?.({ orm, logger, events, metrics });
    const auth = new Auth(resolveJwtSecret(env), env.JWT_TTL, definition.tokenChecks(orm));
    return await startService<C>({
      name: definition.name,
      port: env.PORT,
      host: env.HOST,
      logger,
      metrics,
      production: env.NODE_ENV === 'production',
      debugErrors: debugErrors(env),
      metricsEndpoint: { port: env.METRICS_PORT, token: env.METRICS_TOKEN },
      graphql: { schema: await definition.schema() },
      context: async ({ headers, requestId, log }: RequestInfo) =>
        definition.context(
          {
            requestId,
            log,
            headers,
            events: events!,
            em: orm.em.fork(),
            ...(await auth.authenticate(headers.authorization)),
          },
          auth,
        ),
      ready: () => checkDependencies({ database: () => pingDatabase(orm) }),
      routes: definition.routes && ((app) => definition.routes!(app, { orm, auth, logger })),
      shutdownDelayMs: env.SHUTDOWN_DELAY_MS,
      onClose: async () => {
        if (stopPrepared) await stopPrepared();
        await events?.close();
        await orm.close();
      },
    });
  } catch (error) {
    if (stopPrepared) await stopPrepared();
    await events?.close();
    await orm.close();
    throw error;
  }
}

/**
 * A service's `main.ts` (a subgraph's, the gateway's): reads its env (exiting on problems), starts
 * embedded PostgreSQL when DATABASE_URL is unset, starts the service and stops it on SIGTERM/SIGINT.
 */
export function runService<S extends z.ZodRawShape>(
  name: string,
  shape: S,
  start: (env: z.infer<z.ZodObject<S>> & { DATABASE_URL: string }, logger: Logger) => Promise<Service>,
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
    try {
      if (!env.DATABASE_URL)
        embedded = await startEmbeddedPostgres({ dataDir: env.DATA_DIR, port: env.EMBEDDED_PG_PORT });
      service = await start({ ...env, DATABASE_URL: env.DATABASE_URL ?? embedded!.url }, logger);
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
