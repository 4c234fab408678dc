import { ApolloGateway, IntrospectAndCompose } from '@apollo/gateway';
import type { ApolloServerOptions } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import {
  AssertionSigner,
  CallerVerifier,
  checkDependencies,
  createEventBus,
  createLogger,
  createMetrics,
  debugErrors,
  type Logger,
  migrationsIn,
  openDatabase,
  gatewaySigningKey,
  pingDatabase,
  type Service,
  startService,
} from '@switchyard/kit';
import { callers, type GatewayContext, gatewayContext } from './context.js';
import { SubgraphDataSource, subgraphMetrics } from './datasource.js';
import { FederatedWebSocket } from './federated-ws.js';
import { idempotencyPlugin } from './idempotency.js';
import { checkCost, costLimitPlugin, limitRequests, operationLimits, parseLimits, RateLimit } from './limits.js';
import type { GatewayEnv } from './env.js';
import { plannerKnowsIsOneOf } from './one-of-introspection.js';
import { operationResolutionPlugin, subscriptionRuleGuard } from './operation.js';
import { sharedSecret } from './secrets.js';
import { landingPagePlugin, mountPages, servedPages } from './pages.js';
import { mountHttpRoutes, subgraphUrls } from './routes.js';
import { supergraphFile } from './supergraph-file.js';
import { answerDirectFetches } from './direct-answer.js';
import { checkVariablesQuickly } from './variable-check.js';

/** The federated gateway over whatever supergraph the configuration names. */
export async function startGateway(
  env: GatewayEnv & { DATABASE_URL: string },
  logger: Logger = createLogger('gateway', env.LOG_LEVEL),
): Promise<Service> {
  const dev = env.NODE_ENV !== 'production';
  const urls = env.SUBGRAPH_URLS;
  if (env.SUPERGRAPH_SOURCE === 'introspect' && Object.keys(urls).length === 0) {
    throw new Error('SUPERGRAPH_SOURCE=introspect needs SUBGRAPH_URLS (name=url,...)');
  }
  // @apollo/gateway otherwise reports usage to Apollo every hour and probes cloud metadata
  // servers at start; a self-hosted gateway phones nobody unless asked to.
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  plannerKnowsIsOneOf();
  const orm = await openDatabase({
    url: env.DATABASE_URL,
    schema: 'gateway',
    entities: [],
    migrations: migrationsIn(
      ['Migration20261123500000', 'Migration20261202100000'],
      (name) => import(`./migrations/${name}.js`),
    ),
    logger,
    poolSize: env.DB_POOL_SIZE,
  });
  const sources = new Map<string, SubgraphDataSource>();
  // Routing URLs of the served supergraph, for the HTTP route table; SUBGRAPH_URLS wins.
  let composedUrls: Record<string, string> = {};
  const signingKey = await gatewaySigningKey(env);
  const assertions = new AssertionSigner(signingKey);
  // Callers are confirmed here, once per request, with the users service (the issuer).
  const verifier = new CallerVerifier({
    issuerUrl: () => env.USERS_URL ?? urls.users ?? composedUrls.users,
    cacheMs: env.AUTH_CACHE_SEC * 1000,
    logger,
  });
  const events = await createEventBus({
    databaseUrl: env.EVENTS_DATABASE_URL ?? env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    natsUrl: env.NATS_URL,
    retentionSec: env.EVENTS_RETENTION_SEC,
    logger,
  });
  await verifier.watch(events);
  verifier.onChange(() => assertions.forget());
  const caller = callers(verifier, env.TRUST_PROXY);
  // Seals idempotent responses; shared by the replicas, and kept when the signing key rotates.
  const secret = await sharedSecret(orm, 'idempotency');
  const metrics = createMetrics('gateway');
  const dataPath = subgraphMetrics(metrics.registry);
  const rate = new RateLimit(env, env.REDIS_URL, logger, metrics.registry);
  const rules = operationLimits(env);
  const websocket = new FederatedWebSocket(
    sources,
    {
      rules,
      parseOptions: parseLimits(env),
      checkCost: (op) => checkCost(env, op),
      spend: async ({ headers, remoteAddress }) => rate.spend(await caller.key(headers, remoteAddress)),
      assertions,
      verifier,
      recheckMs: env.SUBSCRIPTION_RECHECK_SEC * 1000,
      resubscribeForMs: env.SUBSCRIPTION_RESUME_SEC * 1000,
      upstreamPingMs: env.SUBSCRIPTION_PING_SEC * 1000,
      operationsPerConnection: env.WS_OPERATIONS_PER_CONNECTION,
      introspection: env.INTROSPECTION ?? dev,
      suggestions: dev,
      maxStringLength: env.MAX_STRING_LENGTH,
    },
    logger,
    metrics.registry,
  );
  const gateway = new ApolloGateway({
    supergraphSdl:
      env.SUPERGRAPH_SOURCE === 'file'
        ? supergraphFile(env.SUPERGRAPH_FILE, logger, metrics.registry)
        : new IntrospectAndCompose({
            subgraphs: Object.entries(urls).map(([name, url]) => ({ name, url })),
            pollIntervalInMs: env.INTROSPECT_POLL_MS || undefined,
          }),
    buildService: ({ name, url }) => {
      const target = urls[name] ?? url!;
      const existing = sources.get(name);
      // A reloaded supergraph keeps a subgraph's connections unless its URL changed.
      if (existing?.url === target) return existing;
      void existing?.close();
      const source = new SubgraphDataSource(
        name,
        target,
        {
          timeoutMs: env.SUBGRAPH_TIMEOUTS[name] ?? env.SUBGRAPH_TIMEOUT_MS,
          connections: env.SUBGRAPH_CONNECTIONS,
        },
        dataPath,
        assertions,
        (ids) => ids.forEach((id) => verifier.forget(id)),
      );
      sources.set(name, source);
      return source;
    },
    logger,
  });
  checkVariablesQuickly(gateway);
  answerDirectFetches();
  const { sandbox, pages } = servedPages(env);
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: served, coreSupergraphSdl }) => {
    apiSchema = served;
    composedUrls = subgraphUrls(coreSupergraphSdl);
    websocket.load(coreSupergraphSdl);
  });
  return startService<GatewayContext>({
    name: 'gateway',
    port: env.PORT,
    host: env.HOST,
    logger,
    metrics,
    production: !dev,
    debugErrors: debugErrors(env),
    metricsEndpoint: { port: env.METRICS_PORT, token: env.METRICS_TOKEN },
    graphql: { gateway: gateway as unknown as NonNullable<ApolloServerOptions<GatewayContext>['gateway']> },
    context: gatewayContext(env.TRUST_PROXY, caller),
    websocket: websocket.hooks(),
    apollo: { validationRules: rules, parseOptions: parseLimits(env), allowBatchedHttpRequests: env.MAX_BATCH > 0 },
    plugins: [operationResolutionPlugin, costLimitPlugin(env), idempotencyPlugin(orm, env, secret)],
    bodyLimit: env.MAX_BODY_BYTES,
    maxStringLength: env.MAX_STRING_LENGTH,
    beforeGraphql: [
      limitRequests(env, rate, (req) => caller.key(req.headers, req.socket.remoteAddress)),
      subscriptionRuleGuard(() => apiSchema, parseLimits(env)),
    ],
    onClose: async () => {
      rate.close();
      await websocket.close();
      await events.close();
      await Promise.all([...sources.values()].map((source) => source.close()));
      await orm.close();
    },
    routes: (app) => {
      mountHttpRoutes(app, env.HTTP_ROUTES, (name) => urls[name] ?? composedUrls[name], logger, {
        trustProxy: env.TRUST_PROXY,
        viewerFor: async (req, subgraph) => assertions.sign(await caller.confirm(req.headers), subgraph),
      });
      mountPages(app, pages, sandbox);
    },
    sandbox,
    landingPage: landingPagePlugin(pages),
    introspection: env.INTROSPECTION ?? dev,
    shutdownDelayMs: env.SHUTDOWN_DELAY_MS,
    // Ready when its database and every subgraph answer; /ready names those that do not.
    ready: () =>
      checkDependencies({
        database: () => pingDatabase(orm),
        ...(sources.size
          ? Object.fromEntries([...sources].map(([name, source]) => [name, () => source.healthCheck()]))
          : { supergraph: () => Promise.reject(new Error('not loaded yet')) }),
      }),
  });
}
