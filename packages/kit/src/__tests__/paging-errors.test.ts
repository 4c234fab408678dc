import { GraphQLError } from 'graphql';
import {
  debugErrors,
  decodeCursor,
  encodeCursor,
  errorCode,
  formatError,
  keysetAfter,
  pageSize,
  toPage,
} from '../index.js';

describe('paging', () => {
  it('round-trips cursors and refuses foreign ones with BAD_USER_INPUT on "after"', () => {
    expect(decodeCursor(encodeCursor(['2026-01-01T00:00:00.000Z', 'id-1']), ['date', 'string'])).toEqual([
      new Date('2026-01-01T00:00:00.000Z'),
      'id-1',
    ]);
    expect(decodeCursor(null, ['string'])).toBeNull();
    expect(() => decodeCursor('bm90IGpzb24', ['string'])).toThrow(/after/);
    expect(() => decodeCursor(encodeCursor(['one']), ['string', 'string'])).toThrow(/after/);
    expect(() => decodeCursor(encodeCursor(['x', 'y']), ['date', 'string'])).toThrow(/after/);
    expect(() => decodeCursor(encodeCursor([1]), ['string'])).toThrow(/after/);
    expect(decodeCursor(encodeCursor([90, 'id']), ['number', 'string'])).toEqual([90, 'id']);
    expect(() => decodeCursor(encodeCursor(['90']), ['number'])).toThrow(/after/);
  });

  it('builds keyset filters for one or two keys', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(keysetAfter(encodeCursor(['B']), ['symbol', 'string'], 'asc')).toEqual({ symbol: { $gt: 'B' } });
    expect(
      keysetAfter(
        encodeCursor([at, 'id']),
        [
          ['createdAt', 'date'],
          ['id', 'string'],
        ],
        'desc',
      ),
    ).toEqual({ $or: [{ createdAt: { $lt: new Date(at) } }, { createdAt: new Date(at), id: { $lt: 'id' } }] });
    expect(keysetAfter(null, ['symbol', 'string'], 'asc')).toEqual({});
  });

  it('bounds page sizes and says whether more rows exist', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(() => pageSize(0)).toThrow(/first/);
    expect(() => pageSize(101)).toThrow(/first/);
    const page = toPage([1, 2, 3], 2, (n) => [n]);
    expect(page.nodes).toEqual([1, 2]);
    expect(page.pageInfo).toEqual({ endCursor: encodeCursor([2]), hasNextPage: true });
    expect(toPage([], 2, (n: number) => [n]).pageInfo).toEqual({ endCursor: null, hasNextPage: false });
  });
});

describe('formatError', () => {
  const crash = {
    message: 'relation "users" does not exist',
    extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] },
  };
  const expected = {
    message: 'email: must be a valid email address',
    extensions: { code: 'BAD_USER_INPUT', field: 'email', stacktrace: ['at y'] },
  };

  it('hides internals and stacks unless asked to debug, but keeps expected errors readable', () => {
    const production = formatError({ debug: false });
    expect(production(crash)).toEqual({
      message: 'internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(production(expected)).toEqual({
      message: expected.message,
      extensions: { code: 'BAD_USER_INPUT', field: 'email' },
    });
  });

  it('gives a code-less error Apollo answers with a 4xx the code BAD_REQUEST, keeping its message', () => {
    const mismatch = new GraphQLError('provided sha does not match query', { extensions: { http: { status: 400 } } });
    expect(
      formatError({ debug: false })(
        { message: mismatch.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        mismatch,
      ),
    ).toEqual({
      message: 'provided sha does not match query',
      extensions: { code: 'BAD_REQUEST' },
    });
  });

  it("calls a value PostgreSQL refuses the caller's mistake, and its own arithmetic failures internal errors", () => {
    const refused = (code: string) =>
      new GraphQLError('boom', { originalError: Object.assign(new Error('x'), { cause: { code } }) });
    expect(errorCode(refused('22P02'))).toBe('BAD_USER_INPUT');
    expect(errorCode(refused('22021'))).toBe('BAD_USER_INPUT');
    expect(errorCode(refused('22012'))).toBe('INTERNAL_SERVER_ERROR');
    expect(errorCode(refused('ECONNREFUSED'))).toBe('UNAVAILABLE');
    expect(
      formatError({ debug: false })(
        { message: 'invalid input syntax for type uuid: "x"', path: ['alerts'] },
        refused('22P02'),
      ),
    ).toEqual({
      message: 'alerts: an argument has a value this field cannot take (an id that is not one, a number out of range)',
      path: ['alerts'],
      extensions: { code: 'BAD_USER_INPUT', field: 'alerts' },
    });
  });

  it('shows everything to a developer who asked for it (debugErrors)', () => {
    expect(formatError({ debug: true })(crash)).toEqual(crash);
    expect(formatError({ debug: true })(expected)).toEqual(expected);
    expect(debugErrors({ NODE_ENV: 'development', DEBUG_ERRORS: true })).toBe(true);
    expect(debugErrors({ NODE_ENV: 'development', DEBUG_ERRORS: false })).toBe(false);
    expect(debugErrors({ NODE_ENV: 'production', DEBUG_ERRORS: true })).toBe(false);
    expect(debugErrors({ NODE_ENV: 'test', DEBUG_ERRORS: true })).toBe(false);
  });
});
