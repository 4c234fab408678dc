import { createHash } from 'node:crypto';
import { capturedLogger, ERROR_LEVEL, viewerHeader } from '@switchyard/testing';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { extraGateway, loginAdmin, useStack } from './stack.js';

// A caller's mistakes are the caller's: a 4xx with GraphQL's own words and a code, never a 500,
// never an error-level log line, never internals.
const run = useStack();

interface Answer {
  status: number;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  text: string;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Answer['body'], text };
}

const TWO = 'query First { __typename } query Second { tickers(first: 1) { nodes { symbol } } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Each mistake, what it must answer: status, code and the standard message. */
const mistakes: Array<[string, unknown, number, string, string | RegExp]> = [
  [
    'two operations and no operationName',
    { query: TWO },
    400,
    'OPERATION_RESOLUTION_FAILURE',
    'Must provide operation name if query contains multiple operations.',
  ],
  [
    'an unknown operationName',
    { query: TWO, operationName: 'Third' },
    400,
    'OPERATION_RESOLUTION_FAILURE',
    'Unknown operation named "Third".',
  ],
  [
    'a persisted-query hash that does not match the query',
    { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ other }') } } },
    400,
    'BAD_REQUEST',
    'provided sha does not match query',
  ],
  [
    'a variable of the wrong type',
    { query: 'query($n: Int) { tickers(first: $n) { nodes { symbol } } }', variables: { n: 'many' } },
    400,
    'BAD_USER_INPUT',
    /Variable "\$n" got invalid value "many"/,
  ],
  [
    'a list item of the wrong type',
    {
      query: 'query($c: [String!]!) { sensorsByCode(codes: $c) { id } }',
      variables: { c: ['A', 7] },
    },
    400,
    'BAD_USER_INPUT',
    /Variable "\$c" got invalid value 7 at "c\[1\]"; String cannot represent a non string value: 7/,
  ],
  [
    'a null in a list of non-null items',
    { query: 'query($c: [String!]!) { sensorsByCode(codes: $c) { id } }', variables: { c: ['A', null] } },
    400,
    'BAD_USER_INPUT',
    /Variable "\$c" got invalid value null at "c\[1\]"; Expected non-nullable type "String!" not to be null./,
  ],
  [
    'a required variable left out',
    { query: 'query($n: Int!) { tickers(first: $n) { nodes { symbol } } }', variables: {} },
    400,
    'BAD_USER_INPUT',
    'Variable "$n" of required type "Int!" was not provided.',
  ],
  ['variables that are not an object', { query: '{ __typename }', variables: 5 }, 400, 'BAD_REQUEST', /variables/],
  ['a body that is not JSON', '{"query": ', 400, 'BAD_REQUEST', /JSON/],
];

describe.each([
  ['development', {}],
  ['production', { NODE_ENV: 'production' }],
])('a caller mistake, %s', (_mode, settings) => {
  const logs = capturedLogger('gateway', 'debug');
  let url = '';
  beforeAll(async () => {
    url = (await extraGateway(run.stack, run, settings, logs.logger)).url;
  });

  it.each(mistakes)('%s: a 4xx with its code and the standard message', async (_name, body, status, code, message) => {
    const answer = await post(url, body);
    expect(answer.status).toBe(status);
    expect(answer.body.errors).toHaveLength(1);
    const [error] = answer.body.errors!;
    expect(error!.extensions?.code).toBe(code);
    if (typeof message === 'string') expect(error!.message).toBe(message);
    else expect(error!.message).toMatch(message);
    expect(answer.text).not.toMatch(/stacktrace|internal server error|\bat .*\.js:\d+/);
  });

  it('logs none of them at error level', () => {
    expect(logs.lines.filter((line) => line.level >= ERROR_LEVEL)).toEqual([]);
  });

  it('still answers the operation named among several', async () => {
    const answer = await post(url, { query: TWO, operationName: 'First' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { __typename: 'Query' } });
  });
});

it('in production, a misspelt field gets no suggestion of what exists', async () => {
  const url = (await extraGateway(run.stack, run, { NODE_ENV: 'production' })).url;
  const answer = await post(url, { query: '{ mee { id } }' });
  expect(answer.status).toBe(400);
  expect(answer.body.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(answer.body.errors![0]!.message).toBe('Cannot query field "mee" on type "Query".');
  // Development keeps the suggestion: it is how a developer finds the field.
  const dev = await post(run.gateway.url, { query: '{ mee { id } }' });
  expect(dev.body.errors![0]!.message).toMatch(/Did you mean "me"\?/);
});

/** What the gateway answers one operation over a graphql-ws socket: its first result, or its errors. */
async function overSocket(url: string, payload: { query: string; operationName?: string }): Promise<unknown> {
  const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
  try {
    return await new Promise((resolve) =>
      client.subscribe(payload, { next: resolve, error: resolve, complete: () => {} }),
    );
  } finally {
    await client.dispose();
  }
}

it('over WebSocket too: the operation named by its standard message, no suggestions in production', async () => {
  expect(await overSocket(run.gateway.url, { query: TWO })).toEqual([
    {
      message: 'Must provide operation name if query contains multiple operations.',
      extensions: { code: 'OPERATION_RESOLUTION_FAILURE' },
    },
  ]);
  expect(await overSocket(run.gateway.url, { query: TWO, operationName: 'Third' })).toEqual([
    { message: 'Unknown operation named "Third".', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } },
  ]);
  expect(await overSocket(run.gateway.url, { query: TWO, operationName: 'First' })).toEqual({
    data: { __typename: 'Query' },
  });
  const production = (await extraGateway(run.stack, run, { NODE_ENV: 'production' })).url;
  const [misspelt] = (await overSocket(production, { query: '{ mee { id } }' })) as Array<{ message: string }>;
  expect(misspelt!.message).toBe('Cannot query field "mee" on type "Query".');
});

describe('hostile strings', () => {
  const SUBMIT = 'mutation($r: BenchmarkReport!) { submitBenchmark(report: $r) { globalScore } }';
  const report = (over: Record<string, unknown>) => ({
    machineId: 'machine-1',
    hostname: 'rig-1',
    hardware: {
      cpu: { model: 'x', cores: 1, threads: 1, mhz: 1000 },
      memoryBytes: 1,
      disks: [],
      gpus: [],
      network: [],
    },
    scores: { cpu: 1 },
    ...over,
  });
  const cases: Array<[string, unknown, string, string]> = [
    [
      'a NUL in a literal',
      { query: '{ devices(filter: { text: "a\\u0000b" }) { nodes { id } } }' },
      'filter.text',
      'NUL',
    ],
    [
      'a NUL in a variable',
      { query: SUBMIT, variables: { r: report({ machineId: 'm\u0000' }) } },
      '$r.machineId',
      'NUL',
    ],
    [
      'a lone surrogate in a JSON value',
      { query: SUBMIT, variables: { r: report({ raw: { note: 'x\ud800y' } }) } },
      '$r.raw.note',
      'lone surrogate',
    ],
    [
      'a lone surrogate in a JSON key',
      { query: SUBMIT, variables: { r: report({ raw: { 'k\udc00': 1 } }) } },
      '$r.raw',
      'lone surrogate',
    ],
    [
      'a string over MAX_STRING_LENGTH',
      {
        query: 'query($t: String) { devices(filter: { text: $t }) { nodes { id } } }',
        variables: { t: 'x'.repeat(65_537) },
      },
      '$t',
      'at most 65536 characters',
    ],
  ];

  it.each(cases)(
    '%s is BAD_USER_INPUT naming where it was, and nothing is written',
    async (_name, body, field, problem) => {
      const before = await run.sql.query('select count(*)::int as n from benchmarks.benchmarks');
      // The raw body: JSON.stringify keeps a lone surrogate as an escape, as a hostile client sends it.
      const answer = await post(run.gateway.url, body);
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toHaveLength(1);
      expect(answer.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(answer.body.errors![0]!.message).toContain(problem);
      expect(answer.text).not.toMatch(/stacktrace|insert|select|\.ts:\d+/i);
      const after = await run.sql.query('select count(*)::int as n from benchmarks.benchmarks');
      expect(after.rows[0].n).toBe(before.rows[0].n);
    },
  );

  it('over WebSocket too', async () => {
    expect(
      await overSocket(run.gateway.url, { query: '{ devices(filter: { text: "a\\u0000b" }) { nodes { id } } }' }),
    ).toEqual([
      {
        message: 'filter.text: must not contain a NUL character',
        extensions: { code: 'BAD_USER_INPUT', field: 'filter.text' },
      },
    ]);
  });

  it("a subgraph called directly (with the gateway's assertion) refuses them the same way", async () => {
    const asGateway = await viewerHeader(run.gatewayKey, 'benchmarks');
    const body = { query: SUBMIT, variables: { r: report({ hostname: 'a\u0000' }) } };
    const answer = await post(run.benchmarks.url, body, asGateway);
    expect(answer.status).toBe(400);
    expect(answer.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: '$r.hostname' });
  });
});

describe('mistakes that used to reach a server error', () => {
  it('a subscription over HTTP is BAD_REQUEST, pointing at WebSocket', async () => {
    const answer = await post(run.gateway.url, { query: 'subscription { alertTriggered { id } }' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors![0]!.extensions?.code).toBe('BAD_REQUEST');
    expect(answer.body.errors![0]!.message).toMatch(/WebSocket/);
  });

  it('a subscription with a directive argument of the wrong type is a validation error, not a 500', async () => {
    const query = 'subscription S { alertTriggered @skip(if: "yes") { id } } query Other { __typename }';
    for (const body of [{ query, operationName: 'Other' }, [{ query, operationName: 'Other' }]]) {
      const answer = await post(run.gateway.url, body);
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('GRAPHQL_VALIDATION_FAILED');
      expect(answer.text).toContain('Argument \\"if\\" has invalid value \\"yes\\".');
    }
  });

  it('a value the database cannot take (an id that is not a UUID) is BAD_USER_INPUT on its field, without SQL', async () => {
    const admin = run.client.as(await loginAdmin(run.client));
    const answer = await admin.request('{ alerts(userId: "AAPL") { nodes { id } } }');
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'alerts' });
    expect(JSON.stringify(answer)).not.toMatch(/uuid|select|syntax/i);
  });
});

it("an oversized WebSocket frame closes that socket with 1009, logged as the client's mistake, not as an internal error", async () => {
  const printed = jest.spyOn(console, 'error');
  try {
    const socket = new WebSocket(run.gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    socket.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    expect(printed.mock.calls.flat().join(' ')).not.toMatch(/Internal error emitted/);
  } finally {
    printed.mockRestore();
  }
  // The gateway still serves sockets.
  expect(await overSocket(run.gateway.url, { query: '{ __typename }' })).toEqual({ data: { __typename: 'Query' } });
});

it("a batch field's rows are still held to sizes and depth: deep nesting is BAD_USER_INPUT, even with an Idempotency-Key", async () => {
  const depth = 10_000;
  const response = await fetch(run.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'deep-rows' },
    body: `{"query": "mutation($r: [ReadingInput!]!) { ingestReadings(readings: $r, batchId: \\"b\\") { __typename } }", "variables": {"r": ${'['.repeat(depth)}${']'.repeat(depth)}}}`,
  });
  expect(response.status).toBe(400);
  const body = (await response.json()) as Answer['body'];
  expect(body.errors![0]!.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: expect.stringMatching(/^\$r(\.0)+$/),
  });
});
