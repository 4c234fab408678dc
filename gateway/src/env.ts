import { commonEnv, confirmerEnv, flag, MAX_STRING_LENGTH, z } from '@switchyard/kit';
import { parseRoutes } from './routes.js';

const count = z.coerce.number().int().min(1);
/** `name=value,name=value`, each value checked by `parse` (undefined: refused). */
function namedList<T>(what: string, parse: (value: string) => T | undefined) {
  return z
    .string()
    .optional()
    .transform((list, ctx) => {
      const values: Record<string, T> = {};
      for (const entry of (list ?? '').split(',').filter(Boolean)) {
        const at = entry.indexOf('=');
        const name = entry.slice(0, at).trim();
        const value = at < 1 || !name ? undefined : parse(entry.slice(at + 1).trim());
        if (value === undefined) ctx.addIssue({ code: 'custom', message: `"${entry}" is not name=${what}` });
        else values[name] = value;
      }
      return values;
    });
}

export const gatewayEnv = {
  NODE_ENV: commonEnv.NODE_ENV,
  DEBUG_ERRORS: commonEnv.DEBUG_ERRORS,
  LOG_LEVEL: commonEnv.LOG_LEVEL,
  HOST: commonEnv.HOST,
  SHUTDOWN_DELAY_MS: commonEnv.SHUTDOWN_DELAY_MS,
  METRICS_PORT: commonEnv.METRICS_PORT,
  METRICS_TOKEN: commonEnv.METRICS_TOKEN,
  /** The gateway's port. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** `file`: serve SUPERGRAPH_FILE, reloaded when it changes; `introspect`: compose from SUBGRAPH_URLS. */
  SUPERGRAPH_SOURCE: z.enum(['file', 'introspect']).default('file'),
  /** The supergraph the gateway serves (file mode), reloaded when it changes. */
  SUPERGRAPH_FILE: z.string().default('./supergraph.graphql'),
  /** `name=url,name=url`: the subgraphs to compose, or (file mode) routing URLs that replace the file's. */
  SUBGRAPH_URLS: namedList('url', (url) => (URL.canParse(url) ? url : undefined)),
  /** The longest a subgraph fetch may take; past it that subgraph's fields fail with UNAVAILABLE. */
  SUBGRAPH_TIMEOUT_MS: count.default(30_000),
  /** `name=ms,...`: SUBGRAPH_TIMEOUT_MS for some subgraphs only. */
  SUBGRAPH_TIMEOUTS: namedList('ms', (ms) => (/^[1-9]\d*$/.test(ms) ? Number(ms) : undefined)),
  /** Open connections to each subgraph at most (keep-alive, no pipelining); more requests queue. */
  SUBGRAPH_CONNECTIONS: count.default(64),
  /** HTTP routes passed through to subgraphs: `/prefix=subgraph,...`; prefixes naming absent subgraphs answer 404. */
  HTTP_ROUTES: z
    .string()
    .default('/uploads=benchmarks,/documents=benchmarks,/exports=benchmarks')
    .transform((text, ctx) => {
      try {
        return parseRoutes(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Believe X-Forwarded-Host/Proto/For from the caller: only behind a proxy that sets them. */
  TRUST_PROXY: flag.default(false),
  /** Introspect mode: how often the subgraphs are composed again (0: once). */
  INTROSPECT_POLL_MS: z.coerce.number().int().min(0).default(10000),
  /** The IDEs: Apollo Sandbox's landing page at /graphql (with CORS) and GraphiQL at /graphiql; on outside production. */
  SANDBOX: flag.optional(),
  /**
   * The dashboard at /dashboard (sign in; sensors with live charts and alerts, the watchlist with
   * price alerts, the collector's circuits and cleanup runs for admins), bundled at build time.
   */
  DASHBOARD: flag.default(true),
  /** Schema introspection; on outside production. */
  INTROSPECTION: flag.optional(),
  /**
   * The gateway's private Ed25519 JWK (JSON), which signs the viewer assertions subgraphs trust;
   * required in production (`npm run keys` makes one), made under DATA_DIR in development.
   */
  GATEWAY_SIGNING_KEY: z.string().optional(),
  /** The users service, which issues tokens; unset: the users subgraph's URL. */
  USERS_URL: confirmerEnv.USERS_URL.removeDefault().optional(),
  /** How long a confirmed token is trusted without asking users again (one in use is confirmed anew in the background after two thirds of it; a change to the caller's session clears it at once). */
  AUTH_CACHE_SEC: confirmerEnv.AUTH_CACHE_SEC,
  /** Seconds between confirmations of a subscriber's token (a change to their session ends it at once). */
  SUBSCRIPTION_RECHECK_SEC: z.coerce.number().min(0.1).default(60),
  /** How long a subscription waits, subscribing again, for a subgraph that went away before it ends with UNAVAILABLE. */
  SUBSCRIPTION_RESUME_SEC: z.coerce.number().min(0).default(120),
  /** Seconds between pings on each WebSocket to a subgraph; one unanswered as long ends it, and its subscriptions subscribe again (a path that died silently). */
  SUBSCRIPTION_PING_SEC: z.coerce.number().min(0.1).default(15),
  /** Operations (subscriptions, mostly) one WebSocket connection may have running at once; more are refused with RATE_LIMITED. */
  WS_OPERATIONS_PER_CONNECTION: count.default(100),
  DATA_DIR: commonEnv.DATA_DIR,
  /** Idempotency keys live here (schema `gateway`); unset: embedded PostgreSQL under DATA_DIR. */
  DATABASE_URL: commonEnv.DATABASE_URL,
  DB_POOL_SIZE: commonEnv.DB_POOL_SIZE,
  EVENTS_DATABASE_URL: commonEnv.EVENTS_DATABASE_URL,
  EMBEDDED_PG_PORT: commonEnv.EMBEDDED_PG_PORT,
  /** How long an Idempotency-Key and its response are kept, and how long a duplicate waits. */
  IDEMPOTENCY_TTL_HOURS: count.default(24),
  /** How long a duplicate of a running keyed mutation waits for its answer. */
  IDEMPOTENCY_WAIT_SEC: count.default(30),
  /** Rate limits shared by every gateway replica when set, else counted per process (and events, without NATS_URL). */
  REDIS_URL: commonEnv.REDIS_URL,
  NATS_URL: commonEnv.NATS_URL,
  EVENTS_RETENTION_SEC: commonEnv.EVENTS_RETENTION_SEC,
  /** Operation limits: nesting depth, aliases, directives, estimated cost (about the objects it can return), tokens. */
  MAX_DEPTH: count.default(12),
  /** Aliases in one operation. */
  MAX_ALIASES: count.default(30),
  /** Directives in one operation. */
  MAX_DIRECTIVES: count.default(50),
  /** Estimated cost, about the objects an operation can return (a page of `first` n costs n times its items). */
  MAX_COST: count.default(50_000),
  /** Tokens in one document, refused while parsing. */
  MAX_TOKENS: count.default(2000),
  /** The longest string in an argument, variable or JSON value. */
  MAX_STRING_LENGTH: count.default(MAX_STRING_LENGTH),
  /** Largest request body, in bytes. */
  MAX_BODY_BYTES: count.default(1_048_576),
  /** Operations in one batched HTTP request; 0 turns batching off. */
  MAX_BATCH: z.coerce.number().int().min(0).default(10),
  /** Operations per caller (user, API token, else IP address) per RATE_WINDOW_SEC. */
  RATE_LIMIT: count.default(600),
  /** The window RATE_LIMIT counts over, in seconds. */
  RATE_WINDOW_SEC: count.default(60),
};

export type GatewayEnv = z.infer<z.ZodObject<typeof gatewayEnv>>;
