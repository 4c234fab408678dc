import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export type ErrorCode =
  'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED' | 'UNAVAILABLE';

/** An expected failure: its message and code are meant for the client. */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export class BadUserInputError extends AppError {
  constructor(field: string, problem: string, extensions: Record<string, unknown> = {}) {
    super('BAD_USER_INPUT', `${field}: ${problem}`, { ...extensions, field });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'authentication required') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'not allowed') {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, field?: string) {
    super('CONFLICT', message, field ? { field } : {});
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSec: number) {
    super('RATE_LIMITED', `rate limit exceeded, retry in ${retryAfterSec}s`, { retryAfterSec });
  }
}

/** Codes whose messages come from GraphQL itself or from us, never from a crash. */
const CLIENT_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  // Not the caller's fault, but meant for them: a subgraph went away, try again.
  'UNAVAILABLE',
]);

export function isClientError(code: unknown): boolean {
  return typeof code === 'string' && CLIENT_CODES.has(code);
}

/** Driver and PostgreSQL codes of a database that cannot be reached or is going away (class 08, 57P0x, 53300). */
const UNREACHABLE = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|08\w{3}|57P0[1-3]|53300)$/;
/**
 * PostgreSQL's data exceptions that a caller's value causes: not a valid representation (an id
 * that is not a UUID), out of range, a bad date, a character the encoding refuses (NUL), too long.
 * Others of class 22 (a division by zero, say) are our bugs and stay internal errors.
 */
const BAD_VALUE = /^(22P02|22003|22007|22008|22021|22P05|22001)$/;

/** An error and those it wraps: GraphQL's originalError, MikroORM's and pg's causes. */
function* causes(error: unknown): Generator<Record<string, unknown>> {
  for (let at = error, depth = 0; at && typeof at === 'object' && depth < 6; depth++) {
    const record = at as Record<string, unknown>;
    yield record;
    at = record.originalError ?? record.cause;
  }
}

/** Whether an error, or one it wraps, says the database could not be reached: a dependency down, not a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const { name, code, message } of causes(error)) {
    if (name === 'ConnectionException') return true;
    if (typeof code === 'string' && UNREACHABLE.test(code)) return true;
    if (typeof message === 'string' && /^Connection terminated|timeout exceeded when trying to connect/.test(message))
      return true;
  }
  return false;
}

/** Whether PostgreSQL refused a value the caller gave (an id that is not a UUID, a number out of range). */
export function isBadValue(error: unknown): boolean {
  for (const { code } of causes(error)) if (typeof code === 'string' && BAD_VALUE.test(code)) return true;
  return false;
}

/**
 * An error's code: its own, else BAD_REQUEST when Apollo Server answers it with a 4xx (a
 * persisted-query hash that does not match carries no code), UNAVAILABLE when the database could
 * not be reached, BAD_USER_INPUT when it refused a value as invalid, else INTERNAL_SERVER_ERROR.
 */
export function errorCode(error: unknown): string {
  const extensions = (error as GraphQLError | undefined)?.extensions;
  if (typeof extensions?.code === 'string' && extensions.code !== 'INTERNAL_SERVER_ERROR') return extensions.code;
  const status = (extensions?.http as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number' && status < 500) return 'BAD_REQUEST';
  if (isDatabaseUnavailable(error)) return 'UNAVAILABLE';
  return isBadValue(error) ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR';
}

/** What a caller is told when the database said no, in our words (never the driver's or the SQL). */
function databaseAnswer(code: string, formatted: GraphQLFormattedError): GraphQLFormattedError | undefined {
  const at = { path: formatted.path, locations: formatted.locations };
  if (code === 'UNAVAILABLE') return { message: 'the database is unavailable; try again', ...at, extensions: { code } };
  if (code !== 'BAD_USER_INPUT') return undefined;
  const field = formatted.path?.filter((part) => typeof part === 'string').at(-1);
  const problem = 'an argument has a value this field cannot take (an id that is not one, a number out of range)';
  return field
    ? { message: `${field}: ${problem}`, ...at, extensions: { code, field } }
    : { message: problem, ...at, extensions: { code } };
}

/**
 * Apollo `formatError` (`error` is the original, when Apollo passes it). A caller's mistake keeps
 * its message and code: one Apollo answers with a 4xx but no code (a persisted-query hash that does
 * not match) is BAD_REQUEST; a database that is down or refuses a value is UNAVAILABLE or
 * BAD_USER_INPUT in our words. Anything else is INTERNAL_SERVER_ERROR, and its message and stack
 * reach the caller only with `debug` (see `debugErrors`), so SQL text and paths never leak.
 */
export function formatError({ debug }: { debug: boolean }) {
  return (formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError => {
    // `http` is Apollo Server's instruction for the response (status, headers), not for the caller.
    const { stacktrace, http: _http, ...extensions } = formatted.extensions ?? {};
    const code = isClientError(extensions.code) || error === undefined ? extensions.code : errorCode(error);
    const fromDatabase = isClientError(extensions.code) ? undefined : databaseAnswer(String(code), formatted);
    if (fromDatabase) return fromDatabase;
    if (isClientError(code)) {
      return { ...formatted, extensions: { ...extensions, code, ...(debug && stacktrace ? { stacktrace } : {}) } };
    }
    if (debug) return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
    return {
      message: 'internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
