import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerOptions, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express from 'express';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  parse,
  validate,
} from 'graphql';
import type { ServerOptions as WsOptions } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { VIEWER_HEADER } from './assertion.js';
import { errorCode, formatError, isBadValue, isClientError } from './errors.js';
import { inputStringsPlugin } from './input-strings.js';
import { stringifyResult } from './passed-on.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { runShutdownHooks } from './shutdown.js';
import type { Gauge } from 'prom-client';

/** What every request context carries. */
export interface RequestContext extends BaseContext {
  requestId: string;
  log: Logger;
}

export interface RequestInfo {
  headers: IncomingHttpHeaders;
  /** The peer's address (a proxy's, behind one). */
  remoteAddress?: string;
  requestId: string;
  log: Logger;
  /** A WebSocket operation's extensions (the gateway's assertion, where to resume an event stream). */
  extensions?: Readonly<Record<string, unknown>>;
}

export interface ServiceOptions<C extends RequestContext> {
  name: string;
  port: number;
  host?: string;
  logger: Logger;
  metrics: Metrics;
  production: boolean;
  /** Unexpected errors reach the caller with message and stack (`debugErrors(env)`); otherwise masked. */
  debugErrors?: boolean;
  /** A subgraph passes its schema (also served over graphql-ws); the gateway passes its gateway. */
  graphql: { schema: GraphQLSchema } | { gateway: NonNullable<ApolloServerOptions<C>['gateway']> };
  /** GraphQL over WebSocket (graphql-ws): a subgraph serves its schema; the gateway brings its own execution. */
  websocket?: Pick<WsOptions, 'schema' | 'onSubscribe' | 'execute' | 'subscribe' | 'onConnect'> & {
    /** Extensions for each result of a subscription (a subgraph's stream cursor), from its context. */
    extensions?: (context: C) => Record<string, unknown> | undefined;
  };
  context: (info: RequestInfo) => Promise<C>;
  /** Readiness probe: resolves when the service can serve, throws why it cannot (`NotReady`, see `checkDependencies`). */
  ready: () => Promise<void>;
  /** Apollo Sandbox landing page (with CORS for it) and introspection. */
  sandbox?: boolean;
  /** The landing page when `sandbox` is on, instead of Apollo's (the gateway's says when Sandbox cannot load). */
  landingPage?: ApolloServerPlugin<C>;
  introspection?: boolean;
  plugins?: ApolloServerPlugin<C>[];
  /** Apollo Server settings a service may add (the gateway's limits). */
  apollo?: Pick<ApolloServerOptions<C>, 'validationRules' | 'parseOptions' | 'allowBatchedHttpRequests'>;
  /** Express middleware between the parsed body and GraphQL (rate limits). */
  beforeGraphql?: express.RequestHandler[];
  /** Extra HTTP routes, mounted before GraphQL. */
  routes?: (app: express.Express) => void;
  /** A subgraph's inline traces (ftv1) for a gateway that asks; on unless false. */
  inlineTraces?: boolean;
  bodyLimit?: string | number;
  /** The longest string input (`checkInputStrings`); NUL characters and lone surrogates are refused at any length. */
  maxStringLength?: number;
  /**
   * Where /metrics is served: on `port` alone when given (not on the service's port), behind a
   * bearer `token` when given. In production the service's own port serves it only with a token.
   */
  metricsEndpoint?: { port?: number; token?: string };
  /** On close, how long /ready reports 503 before the listener stops, so balancers move away first. */
  shutdownDelayMs?: number;
  onClose?: () => Promise<void>;
}

export interface Service {
  url: string;
  port: number;
  /** Where this service's /metrics is (its own port, or METRICS_PORT's). */
  metricsUrl: string;
  close(): Promise<void>;
}

/** Why a service cannot serve: the dependencies that are down, by name only (no address reaches a prober). */
export class NotReady extends Error {
  constructor(readonly unavailable: string[]) {
    super(`unavailable: ${unavailable.join(', ')}`);
  }
}

/** Runs every named check at once; throws `NotReady` naming those that failed. */
export async function checkDependencies(checks: Record<string, () => Promise<unknown>>): Promise<void> {
  const names = Object.keys(checks);
  const outcomes = await Promise.allSettled(names.map((name) => checks[name]!()));
  const unavailable = names.filter((_name, i) => outcomes[i]!.status === 'rejected');
  if (unavailable.length) throw new NotReady(unavailable);
}

/** How long a service keeps an idle keep-alive connection open. */
export const KEEP_ALIVE_MS = 65_000;

/** One `http.Server` for a service: GraphQL over HTTP and WebSocket, health, readiness, metrics. */
export async function startService<C extends RequestContext>(options: ServiceOptions<C>): Promise<Service> {
  const { logger, metrics } = options;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  // Idle connections live longer here than in any pool of ours that reuses them (the gateway's
  // drops them after 60 s at most, sooner when told less by Keep-Alive), so a client is never
  // mid-write on a socket this side is closing; headers must be allowed at least as long.
  httpServer.keepAliveTimeout = KEEP_ALIVE_MS;
  httpServer.headersTimeout = KEEP_ALIVE_MS + 1_000;
  const plugins: ApolloServerPlugin<C>[] = [
    ApolloServerPluginDrainHttpServer({ httpServer }),
    options.sandbox
      ? (options.landingPage ?? ApolloServerPluginLandingPageLocalDefault({ embed: true }))
      : ApolloServerPluginLandingPageDisabled(),
    observabilityPlugin<C>(metrics),
    inputStringsPlugin(options.maxStringLength) as ApolloServerPlugin<C>,
    // No response here is cached by its hints, and the plugin that computes them wraps every
    // field of every answer (a series is thousands): off, and every answer says so itself.
    ApolloServerPluginCacheControlDisabled(),
    {
      async requestDidStart() {
        return {
          async willSendResponse({ response }) {
            response.http.headers.set('cache-control', 'no-store');
          },
        };
      },
    },
    // A subgraph adds an inline trace (ftv1) to a response when the gateway asks for one
    // (`apollo-federation-include-trace: ftv1`), with masked errors; never when turned off.
    ...('schema' in options.graphql
      ? [
          options.inlineTraces === false
            ? ApolloServerPluginInlineTraceDisabled()
            : ApolloServerPluginInlineTrace({ includeErrors: { masked: true } }),
        ]
      : []),
    ...(options.plugins ?? []),
  ];

  const format = formatError({ debug: options.debugErrors ?? false });
  const formatErrors = (errors: readonly unknown[]) =>
    errors.map((error) => {
      const formatted =
        error instanceof GraphQLError
          ? error.toJSON()
          : error instanceof Error
            ? new GraphQLError(error.message, { originalError: error }).toJSON()
            : (error as GraphQLFormattedError);
      // The original error, so a database that is down or refused a value is classified as over HTTP.
      const code = errorCode(error);
      metrics.errors.inc({ code });
      if (!isClientError(code)) logger.error({ err: error, path: formatted.path }, 'unexpected error over WebSocket');
      return format(formatted, error);
    });
  let wsCleanup: { dispose(): void | Promise<void> } | undefined;
  let wsServer: WebSocketServer | undefined;
  const websocket = options.websocket ?? ('schema' in options.graphql ? { schema: options.graphql.schema } : undefined);
  if (websocket) {
    wsServer = new WebSocketServer({
      server: httpServer,
      path: '/graphql',
      // A message may be as large as a request body, not ws's default of 100 MiB.
      maxPayload: typeof options.bodyLimit === 'number' ? options.bodyLimit : 10 * 1024 * 1024,
    });
    // Before graphql-ws's own listener, which prints any socket error to stderr as an internal one.
    wsServer.on('connection', (socket) => quietProtocolErrors(socket, logger));
    wsCleanup = useServer(
      {
        ...(websocket.schema &&
          !websocket.onSubscribe && { onSubscribe: checkedOnce(websocket.schema as GraphQLSchema) }),
        ...websocket,
        onOperation: (_ctx, _id, _payload, _args, result) =>
          isAsyncIterable(result) ? counted(result, metrics.subscriptions) : result,
        // The same error shapes (and production masking) as over HTTP.
        onNext: (_ctx, _id, _payload, args, result) => {
          const extensions = websocket.extensions?.(args.contextValue as C);
          if (!result.errors && !extensions) return undefined;
          return {
            ...result,
            ...(result.errors && { errors: formatErrors(result.errors) }),
            ...(extensions && { extensions: { ...result.extensions, ...extensions } }),
          };
        },
        onError: (_ctx, _id, _payload, errors) => formatErrors(errors),
        // Per operation: one socket (the gateway's, to a subgraph) carries many callers' operations.
        context: async (ctx, _id, payload) => {
          const requestId = requestIdOf(payload.extensions?.['x-request-id']);
          return options.context({
            ...socketCaller(ctx, payload.extensions),
            requestId,
            log: logger.child({ requestId }),
            extensions: payload.extensions ?? undefined,
          });
        },
      },
      wsServer,
    );
  }

  const apollo = new ApolloServer<C>({
    ...options.graphql,
    ...options.apollo,
    introspection: options.introspection ?? !options.production,
    includeStacktraceInErrorResponses: options.debugErrors ?? false,
    formatError: format,
    // One line, where Apollo's default indents: a 720-point series is 66 KB instead of 122 KB to
    // write, send and (from a subgraph, in the gateway) read. IDEs indent for themselves.
    // Answers passed on as they came (the gateway's direct answers) are written out as they came.
    stringifyResult,
    // Production answers a misspelt field without listing the ones that exist ("Did you mean ...").
    hideSchemaDetailsFromClientErrors: options.production,
    logger,
    // stopOnSignals (below) owns shutdown; Apollo's own handler would race it.
    stopOnTerminationSignals: false,
    plugins,
  } as ApolloServerOptions<C>);
  await apollo.start();

  app.use((req, res, next) => {
    const requestId = requestIdOf(req.headers['x-request-id']);
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    next();
  });
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  let draining = false;
  app.get('/ready', async (_req, res) => {
    const unready = (body: Record<string, unknown>) =>
      res.status(503).json({ status: 'unavailable', service: options.name, ...body });
    if (draining) return unready({ reason: 'shutting down' });
    try {
      await options.ready();
      res.json({ status: 'ready', service: options.name });
    } catch (error) {
      if (error instanceof NotReady) return unready({ reason: error.message, unavailable: error.unavailable });
      logger.warn({ err: error }, 'not ready');
      unready({ reason: 'not ready' });
    }
  });
  const scrape = metricsHandler(metrics, options.metricsEndpoint?.token);
  const metricsServer =
    options.metricsEndpoint?.port !== undefined ? createServer(express().get('/metrics', scrape)) : undefined;
  if (!metricsServer && (options.metricsEndpoint?.token || !options.production)) app.get('/metrics', scrape);
  else if (!metricsServer) logger.warn('/metrics is not served: set METRICS_PORT or METRICS_TOKEN');
  options.routes?.(app);
  app.use(
    '/graphql',
    // Bearer tokens, not cookies: Sandbox needs any origin, never credentials.
    cors<cors.CorsRequest>(options.sandbox ? { origin: true } : { origin: false }),
    express.json({ limit: options.bodyLimit ?? '10mb' }),
    ...(options.beforeGraphql ?? []),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = res.locals.requestId as string;
        return options.context({
          headers: req.headers,
          remoteAddress: req.socket.remoteAddress,
          requestId,
          log: logger.child({ requestId }),
        });
      },
    }),
  );

  // A body too large or not JSON gets a GraphQL-shaped answer, not express's HTML page.
  app.use(
    '/graphql',
    (error: Error & { status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (res.headersSent) return next(error);
      const status = error.status ?? 500;
      const [code, message] =
        status === 413
          ? ['PAYLOAD_TOO_LARGE', `request body over ${options.bodyLimit ?? '10mb'}`]
          : status < 500
            ? ['BAD_REQUEST', error.message]
            : ['INTERNAL_SERVER_ERROR', 'internal server error'];
      if (status >= 500) logger.error({ err: error }, 'request failed');
      res.status(status).json({ errors: [{ message, extensions: { code } }] });
    },
  );

  await listen(httpServer, options.port, options.host);
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/graphql`;
  logger.info({ url }, `${options.name} listening`);
  if (metricsServer) {
    await listen(metricsServer, options.metricsEndpoint!.port!, options.host);
    logger.info({ port: (metricsServer.address() as AddressInfo).port }, 'metrics listening');
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    metricsUrl: metricsServer
      ? `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}/metrics`
      : `http://127.0.0.1:${port}/metrics`,
    close: () =>
      (closing ??= (async () => {
        draining = true;
        if (options.shutdownDelayMs) await new Promise((r) => setTimeout(r, options.shutdownDelayMs));
        await wsCleanup?.dispose();
        wsServer?.close();
        // Drains in-flight HTTP requests, then closes the server.
        await apollo.stop();
        await options.onClose?.();
        if (metricsServer?.listening) await new Promise((resolve) => metricsServer.close(resolve));
        logger.info(`${options.name} stopped`);
      })()),
  };
}

/**
 * A frame a client got wrong (too large, malformed: ws's `WS_ERR_*` errors) is the client's
 * mistake: ws closes the socket with the right code (1009, 1002) by itself, and it is logged as
 * such, not reported by graphql-ws as an internal error with its stack on stderr.
 */
function quietProtocolErrors(socket: WebSocket, logger: Logger): void {
  const emit = socket.emit.bind(socket);
  socket.emit = ((event: string | symbol, ...args: unknown[]) => {
    const code = (args[0] as { code?: unknown } | undefined)?.code;
    if (event === 'error' && typeof code === 'string' && code.startsWith('WS_ERR_')) {
      logger.info({ code }, 'WebSocket frame refused');
      return true;
    }
    return emit(event, ...args);
  }) as typeof socket.emit;
}

function listen(server: Server, port: number, host = '0.0.0.0'): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** Prometheus' scrape, behind a bearer token when there is one (compared in constant time). */
function metricsHandler(metrics: Metrics, token: string | undefined): express.RequestHandler {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return async (req, res) => {
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.status(401).setHeader('www-authenticate', 'Bearer').json({ error: 'metrics need a bearer token' });
        return;
      }
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}

/** Distinct query texts a WebSocket server keeps parsed and validated. */
const DOCUMENTS_KEPT = 1000;

/**
 * graphql-ws's `onSubscribe` for a schema: each query text parsed and validated once, its
 * document shared by every operation that sends it (ten thousand subscriptions through the
 * gateway are one text), instead of a parse, a validation and a syntax tree each.
 */
function checkedOnce(schema: GraphQLSchema): NonNullable<WsOptions['onSubscribe']> {
  const checked = new Map<string, DocumentNode | readonly GraphQLError[]>();
  return (_ctx, _id, payload) => {
    let document = checked.get(payload.query);
    if (!document) {
      try {
        const parsed = parse(payload.query);
        const errors = validate(schema, parsed);
        document = errors.length ? errors : parsed;
      } catch (error) {
        document = [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
      }
      if (checked.size >= DOCUMENTS_KEPT) checked.clear();
      checked.set(payload.query, document);
    }
    if (isErrors(document)) return [...document];
    return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
  };
}

const isErrors = (value: DocumentNode | readonly GraphQLError[]): value is readonly GraphQLError[] =>
  Array.isArray(value);

/** The caller's request id when it looks like one, else a new one. */
function requestIdOf(incoming: unknown): string {
  return typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
}

/**
 * Who is on a graphql-ws socket: the upgrade request's headers, with the `authorization` (and the
 * gateway's viewer assertion) of the connection's parameters (any case) in place of the header's.
 * An operation's own extensions win over the connection's: the gateway multiplexes many callers'
 * subscriptions over one socket to a subgraph, each with its caller's assertion.
 */
export function socketCaller(
  ctx: { connectionParams?: Readonly<Record<string, unknown>>; extra: unknown },
  operation?: Readonly<Record<string, unknown>> | null,
): {
  headers: IncomingHttpHeaders;
  remoteAddress?: string;
} {
  const request = (ctx.extra as { request: IncomingMessage }).request;
  const lowerCased = (record?: Readonly<Record<string, unknown>> | null) =>
    Object.entries(record ?? {}).map(([key, value]) => [key.toLowerCase(), value] as const);
  const params = Object.fromEntries([...lowerCased(ctx.connectionParams), ...lowerCased(operation)]);
  const param = (name: string) => {
    const value = typeof params[name] === 'string' ? params[name] : request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    headers: { ...request.headers, authorization: param('authorization'), [VIEWER_HEADER]: param(VIEWER_HEADER) },
    remoteAddress: request.socket.remoteAddress,
  };
}

const isAsyncIterable = (value: unknown): value is AsyncIterableIterator<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * The subscription, counted in `gauge` while it runs. A plain object rather than an async
 * generator: a generator cannot be returned while it awaits the next event.
 */
function counted<T>(source: AsyncIterableIterator<T>, gauge: Gauge): AsyncIterableIterator<T> {
  gauge.inc();
  let open = true;
  const close = () => {
    if (open) gauge.dec();
    open = false;
  };
  const iterator: AsyncIterableIterator<T> = {
    next: async () => {
      try {
        const result = await source.next();
        if (result.done) close();
        return result;
      } catch (error) {
        close();
        throw error;
      }
    },
    return: async (value?: unknown) => {
      close();
      return source.return ? source.return(value) : { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** Counts requests by operation and outcome, times them, and logs unexpected errors with the request id. */
function observabilityPlugin<C extends RequestContext>(metrics: Metrics): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const stopTimer = metrics.duration.startTimer();
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const code = errorCode(error);
            metrics.errors.inc({ code });
            if (!isClientError(code)) {
              contextValue.log?.error({ err: error.originalError ?? error, path: error.path }, 'unexpected error');
            } else if (code === 'UNAVAILABLE') {
              // Not the caller's doing and not a bug: a dependency down, worth a line for whoever runs us.
              contextValue.log?.warn({ err: error.originalError ?? error, path: error.path }, 'dependency unavailable');
            } else if (isBadValue(error)) {
              // The caller's value, but one our own checks let through to the database.
              contextValue.log?.warn(
                { err: error.originalError ?? error, path: error.path },
                'value refused by the database',
              );
            }
          }
        },
        async willSendResponse({ operationName, response }) {
          const operation = operationLabel(operationName);
          const failed = response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0;
          metrics.requests.inc({ operation, outcome: failed ? 'error' : 'success' });
          stopTimer({ operation });
        },
      };
    },
  };
}

const MAX_OPERATION_LABELS = 500;
const seenOperations = new Set<string>();

/**
 * The operation name as a metric label: only names of operations that parsed and resolved, and
 * at most MAX_OPERATION_LABELS of them, so callers cannot grow the metric without bound.
 */
function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (seenOperations.has(name)) return name;
  if (seenOperations.size >= MAX_OPERATION_LABELS) return 'other';
  seenOperations.add(name);
  return name;
}

/**
 * Under `npm start` a subgraph is also started ahead as a warm spare (SWITCHYARD_STANDBY=1): its
 * modules loaded, it tells the supervisor and waits for the word to start, so a restart after a
 * crash skips loading its modules (most of a boot). Resolves at once for any other start.
 */
export function awaitStartSignal(): Promise<void> {
  if (process.env.SWITCHYARD_STANDBY !== '1' || !process.send) return Promise.resolve();
  delete process.env.SWITCHYARD_STANDBY;
  return new Promise((resolve) => {
    const onMessage = (message: { start?: boolean } | undefined) => {
      if (!message?.start) return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    process.send!({ standby: true });
  });
}

/**
 * For a `main.ts`: stops the service cleanly on SIGTERM or SIGINT, and when the supervisor that
 * started it with an IPC channel (`npm start`) goes away, however it went.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals | 'disconnect') => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop()
      .then(runShutdownHooks)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  if (process.connected) process.on('disconnect', () => onSignal('disconnect'));
}
