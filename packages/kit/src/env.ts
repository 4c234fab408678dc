import { z } from 'zod';

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A yes/no setting: `true`/`1` or `false`/`0`. */
export const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Settings every service shares. */
export const commonEnv = {
  /** `production` turns off Sandbox and introspection, masks internal errors, and requires the `GATEWAY_*` keys and `ADMIN_*`. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** With NODE_ENV=development only: unexpected errors reach the caller with their message and stack. */
  DEBUG_ERRORS: flag.default(false),
  /** pino's level (default info). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** The interface to listen on (ingestion's MQTT broker too). */
  HOST: z.string().default('0.0.0.0'),
  /** PostgreSQL URL; unset: embedded PostgreSQL with its data under DATA_DIR. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /**
   * Where events travel (PostgreSQL LISTEN/NOTIFY) when this service's own data lives elsewhere:
   * `npm start` and runService set it to the shared DATABASE_URL when <NAME>_DATABASE_URL is set.
   */
  EVENTS_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Connections this service may hold to its database at most (its job queue, if any, half of them, 2 to 4, on top). */
  DB_POOL_SIZE: z.coerce.number().int().min(2).default(10),
  /** Events go through Redis pub/sub when set (and NATS_URL is not), else PostgreSQL LISTEN/NOTIFY. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /**
   * Events go through NATS JetStream when set (before Redis and PostgreSQL): kept for
   * EVENTS_RETENTION_SEC, so a durable group (sessions) gets what was published while it was down.
   * `nats://user:password@host:4222`, `nats://token@host`, `tls://host` for TLS.
   */
  NATS_URL: z.url({ protocol: /^(nats|tls)$/ }).optional(),
  /** With NATS_URL: how long events are kept for groups that were away and for readers by cursor (seconds). */
  EVENTS_RETENTION_SEC: z.coerce.number().int().min(1).default(86_400),
  /** Embedded PostgreSQL's data, and the development gateway key. */
  DATA_DIR: z.string().default('./.data'),
  /** Port of the embedded PostgreSQL. */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /**
   * The gateway's public keys (a JWKS or one JWK, as JSON) that viewer assertions are checked
   * against; required in production, made under DATA_DIR in development.
   */
  GATEWAY_PUBLIC_KEYS: z.string().optional(),
  /** On SIGTERM, how long /ready answers 503 before the listener closes (time for load balancers). */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).default(0),
  /** A subgraph answers a gateway that asks (`apollo-federation-include-trace: ftv1`) with an inline trace. */
  INLINE_TRACES: flag.default(true),
  /** /metrics on this port alone (on HOST), not on the service's. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** /metrics asks for `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
};

/** Settings of a service that confirms callers' tokens itself (the gateway, the MQTT broker). */
export const confirmerEnv = {
  /** The users service (the issuer of tokens): its JWKS and token confirmation. */
  USERS_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4001'),
  /** How long a confirmed token is trusted without asking users again (one in use is confirmed anew in the background after two thirds of it; changes clear it at once). */
  AUTH_CACHE_SEC: z.coerce.number().min(0).default(30),
};

/** Whether a caller may see an unexpected error's message and stack: a developer who asked for it. */
export function debugErrors(env: { NODE_ENV?: string; DEBUG_ERRORS?: boolean }): boolean {
  return env.NODE_ENV === 'development' && env.DEBUG_ERRORS === true;
}

/** Parses `source` with `shape`, collecting every problem before failing. */
export function parseEnv<S extends z.ZodRawShape>(
  shape: S,
  source: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<S>> {
  // Empty strings in .env files mean "unset".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const result = z.object(shape).safeParse(cleaned);
  if (result.success) return result.data;
  throw new EnvError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
}

/** `parseEnv` for a `main.ts`: prints every problem at once and exits 1. */
export function loadEnv<S extends z.ZodRawShape>(shape: S): z.infer<z.ZodObject<S>> {
  try {
    return parseEnv(shape);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

export { z };
