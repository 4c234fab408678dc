import type { Random } from './random.js';

/** Strings a hostile caller sends: control characters, broken Unicode, injections, sizes. */
const STRINGS: Array<(random: Random) => string> = [
  () => '',
  () => 'a\u0000b',
  () => '\ud800',
  () => 'x\udfffy',
  () => "'; drop table users; --",
  () => '" or 1=1 --',
  () => '%00%ff%fe',
  () => '../../../../etc/passwd',
  () => '<script>alert(1)</script>',
  () => '${jndi:ldap://x}',
  () => '\u202e\u2066emoji 🦆👩‍👩‍👧',
  () => '\\u0000',
  () => '\r\n\r\nHTTP/1.1 200 OK',
  (random) => 'x'.repeat(random.pick([255, 256, 1_000, 65_536, 65_537, 200_000])),
  (random) => String(random.int(1e9)),
  () => '00000000-0000-0000-0000-000000000000',
  () => 'not-a-uuid',
  () => 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  () => '2026-13-45T99:99:99Z',
  () => '-1',
  () => 'NaN',
  () => 'AAPL',
  () => 'user@example.com',
];

export function hostileString(random: Random): string {
  return random.pick(STRINGS)(random);
}

/** Numbers at and past the edges of GraphQL's Int and JavaScript's doubles. */
export function hostileNumber(random: Random): number {
  return random.pick([0, -1, 1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, 1e308, -1e-308, 0.5, 101, 10_001]);
}

/** Request bodies that are not a well-formed GraphQL request, or abuse one that is. */
export function hostileBody(random: Random): { body: string; contentType: string } {
  const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: 'application/json' });
  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const cases: Array<() => { body: string; contentType: string }> = [
    () => ({ body: '{"query": ', contentType: 'application/json' }),
    () => ({ body: '', contentType: 'application/json' }),
    () => ({ body: 'query { __typename }', contentType: 'text/plain' }),
    () => ({ body: 'query=%7B__typename%7D', contentType: 'application/x-www-form-urlencoded' }),
    () => ({ body: deep(random.pick([100, 10_000, 100_000])), contentType: 'application/json' }),
    () => ({
      body: `{"query": "{ __typename }", "variables": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
      contentType: 'application/json',
    }),
    () => ({ body: '\u0000\u0001\u0002', contentType: 'application/json' }),
    () => ({ body: '{"query": "{ __typename }"}'.repeat(3), contentType: 'application/json' }),
    () => ({ body: `{"query": "${'{ a: __typename '.repeat(2000)}"}`, contentType: 'application/json' }),
    () => json(null),
    () => json(42),
    () => json('{ __typename }'),
    () => json([]),
    () => json(Array.from({ length: random.pick([2, 11, 100]) }, () => ({ query: '{ __typename }' }))),
    () => json([{ query: '{ __typename }' }, 7, null, { query: 1 }]),
    () => json({ query: { kind: 'Document' } }),
    () => json({ query: '{ __typename }', variables: [] }),
    () => json({ query: '{ __typename }', variables: 'x' }),
    () => json({ query: '{ __typename }', operationName: 42 }),
    () => json({ query: '{ __typename }', operationName: hostileString(random) }),
    () => json({ query: '{ __typename }', extensions: 'x' }),
    () => json({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'zz' } } }),
    () => json({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    () => json({ extensions: { persistedQuery: { version: 2, sha256Hash: 'a'.repeat(64) } } }),
    () => ({
      body: '{"query": "{ __typename }", "__proto__": {"polluted": true}, "variables": {"__proto__": {"x": 1}}}',
      contentType: 'application/json',
    }),
    () => json({ query: 'subscription { alertTriggered { symbol } }' }),
    () => json({ query: '{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }' }),
    () => json({ query: 'fragment A on Query { ...B } fragment B on Query { ...A } { ...A }' }),
    () => json({ query: `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: __typename`).join(' ')} }` }),
    () => json({ query: `query ${'($v: Int)'.repeat(1)} { __typename @include(if: $v) }`, variables: { v: 1 } }),
    () => json({ query: '{ __typename @unknown }' }),
    () => json({ query: '{ __typename }', variables: { a: hostileString(random) } }),
  ];
  return random.pick(cases)();
}
