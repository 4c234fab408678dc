import { at, createCatalogue } from '@switchyard/sensors/__tests__/fixtures';
import { codes, TestSubscription } from '@switchyard/testing';
import { getIntrospectionQuery } from 'graphql';
import { gatewayEnv } from '../env.js';
import { extraGateway, loginAdmin, newUser, useStack } from './stack.js';

const run = useStack();

// Gateways with a test's own settings, closed after it: each holds database connections, and the
// server is shared with the other jest worker.
const extras: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(extras.splice(0).map((gateway) => gateway.close()));
});
const gatewayWith = async (settings: Record<string, string>) => {
  const gateway = await extraGateway(run.stack, run, settings);
  extras.push(gateway);
  return gateway;
};

const post = (url: string, body: unknown, token?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** The first error's code of what a subscription over the socket got. */
async function overSocket(url: string, query: string, token?: string, variables: Record<string, unknown> = {}) {
  const subscription = new TestSubscription(url, query, variables, token);
  await subscription.untilEnded();
  await subscription.close();
  const errors =
    (subscription.error as Array<{ extensions?: { code?: string } }> | undefined) ?? subscription.results[0]?.errors;
  return errors?.[0]?.extensions?.code;
}

describe('operation limits', () => {
  it('refuse operations too deep, with too many aliases or tokens, or too costly, over HTTP and WebSocket', async () => {
    const gateway = await gatewayWith({
      MAX_DEPTH: '3',
      MAX_ALIASES: '2',
      MAX_TOKENS: '60',
      MAX_COST: '300',
    });
    const admin = gateway.client.as(await loginAdmin(run.client));

    const deep = '{ me { watchlist { ticker { symbol } } } }';
    let result = await admin.request(deep);
    expect(result.status).toBe(400);
    expect(codes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors![0]!.message).toMatch(/depth limit of 3/i);
    expect((await admin.request('{ me { watchlist { high } } }')).errors).toBeUndefined();

    result = await admin.request('{ a: me { id } b: me { id } c: me { id } }');
    expect(codes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors![0]!.message).toMatch(/aliases limit of 2/i);
    expect((await admin.request('{ a: me { id } b: me { id } }')).errors).toBeUndefined();

    result = await admin.request(`{ me { ${'id '.repeat(60)}} }`);
    expect(codes(result)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(result.errors![0]!.message).toMatch(/60 tokens/);

    // Cost counts pages by their size, from literals or variables.
    const USERS = 'query($n: Int) { users(first: $n) { nodes { id email role } } }';
    result = await admin.request(USERS, { n: 100 });
    expect(codes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors![0]!.message).toMatch(/cost \d+ is over the limit of 300/);
    expect((await admin.request(USERS, { n: 10 })).errors).toBeUndefined();
    // Estimates are kept per document and the variables that change them: page sizes, @include/@skip.
    expect(codes(await admin.request(USERS, { n: 100 }))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const SOME =
      'query($n: Int, $all: Boolean!) { me { id } users(first: $n) @include(if: $all) { nodes { id email } } }';
    expect((await admin.request(SOME, { n: 100, all: false })).errors).toBeUndefined();
    expect(codes(await admin.request(SOME, { n: 100, all: true }))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect((await admin.request(SOME, { n: 5, all: true })).errors).toBeUndefined();

    // Pages held to 1..100 (a negative page cannot cancel the others), lists without `first`
    // counted as 20 items, and a fragment bomb refused rather than waved through.
    const negative = '{ a: users(first: 100) { nodes { id email role } } b: users(first: -100000) { nodes { id } } }';
    const costly = (await gatewayWith({ MAX_COST: '300' })).client.as(await loginAdmin(run.client));
    expect((await costly.request(negative)).errors![0]!.message).toMatch(/over the limit of 300/);
    const lists = '{ devices(first: 5) { nodes { links { url } documents { id } snapshots { id } } } }';
    expect((await costly.request(lists)).errors![0]!.message).toMatch(/cost \d+ is over the limit of 300/);
    const bomb = [
      '{ me { id ...F3 } }',
      `fragment F3 on User { ${Array.from({ length: 25 }, () => '...F2').join(' ')} }`,
      `fragment F2 on User { ${Array.from({ length: 25 }, () => '...F1').join(' ')} }`,
      `fragment F1 on User { ${Array.from({ length: 25 }, () => 'id').join(' ')} }`,
    ].join('\n');
    result = await costly.request(bomb);
    expect(result.status).toBe(400);
    expect(codes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors![0]!.message).toMatch(/too large to estimate/);

    const token = await loginAdmin(run.client);
    expect(await overSocket(gateway.url, deep, token)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await overSocket(gateway.url, USERS, token, { n: 100 })).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('let the natural nested read of the catalogue through at the default limits, pages at their defaults', async () => {
    // This file's stack sets no limit: its gateway runs with the defaults, as production does.
    const admin = run.client.as(await loginAdmin(run.client));
    await createCatalogue(admin, 'NEST', { 'NEST-E': ['NEST-T1', 'NEST-T2'] });
    const readings = [0, 1, 2, 3].map((m) => ({ sensorCode: 'NEST-T1', at: at(m), value: m }));
    readings.push({ sensorCode: 'NEST-T2', at: at(5), value: 50 });
    const { ingestReadings } = await admin.data(
      'mutation($r: [ReadingInput!]!) { ingestReadings(batchId: "nested-read", readings: $r) { accepted } }',
      { r: readings },
    );
    expect(ingestReadings.accepted).toBe(5);

    const NESTED =
      '{ sites { nodes { equipment { nodes { sensors { nodes { readings(first: 3) { nodes { at value } } } } } } } } }';
    const user = run.client.as((await newUser(run.client)).token);
    const result = await user.request(NESTED);
    expect(result.errors).toBeUndefined();
    const reading = (m: number, value = m) => ({ at: at(m), value });
    expect(result.data).toEqual({
      sites: {
        nodes: [
          {
            equipment: {
              nodes: [
                {
                  sensors: {
                    nodes: [
                      { readings: { nodes: [reading(3), reading(2), reading(1)] } },
                      { readings: { nodes: [reading(5, 50)] } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    });

    // What it costs as the gateway estimates it (a gateway that refuses everything says), against
    // the default limit; at the kit's usual page of 20 on each catalogue list it would be over.
    const DEFAULT_MAX_COST = gatewayEnv.MAX_COST.parse(undefined);
    expect(DEFAULT_MAX_COST).toBe(50_000);
    const strict = (await gatewayWith({ MAX_COST: '1' })).client.as(await loginAdmin(run.client));
    expect((await strict.request(NESTED)).errors![0]!.extensions!.cost).toBe(11_221);
    const twenties = NESTED.replace(/(sites|equipment|sensors) \{/g, '$1(first: 20) {');
    const refused = await user.request(twenties);
    expect(codes(refused)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(refused.errors![0]!.message).toBe(
      `operation cost 88841 is over the limit of ${DEFAULT_MAX_COST}: ask for smaller pages`,
    );
  });

  it('let the full introspection query through by default, as Sandbox sends it', async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    const result = await run.client.request(query);
    expect(result.errors).toBeUndefined();
    expect((result.data as any).__schema.queryType.name).toBe('Query');
  });

  it('refuse introspection over HTTP and WebSocket when it is off', async () => {
    const gateway = await gatewayWith({ INTROSPECTION: 'false' });
    const result = await gateway.client.request('{ __schema { types { name } } }');
    expect(codes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(await overSocket(gateway.url, '{ __schema { types { name } } }')).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await gateway.client.request('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });
});

describe('request limits', () => {
  it('refuse bodies over MAX_BODY_BYTES and batches over MAX_BATCH, and run smaller batches', async () => {
    const gateway = await gatewayWith({ MAX_BODY_BYTES: '2000', MAX_BATCH: '2' });
    const big = await post(gateway.url, { query: `{ __typename }`, variables: { pad: 'x'.repeat(3000) } });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({
      errors: [{ message: 'request body over 2000', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });

    const two = await post(gateway.url, [{ query: '{ __typename }' }, { query: '{ a: __typename }' }]);
    expect(two.status).toBe(200);
    expect(await two.json()).toEqual([{ data: { __typename: 'Query' } }, { data: { a: 'Query' } }]);
    const three = await post(
      gateway.url,
      [1, 2, 3].map(() => ({ query: '{ __typename }' })),
    );
    expect(three.status).toBe(400);
    expect((await three.json()).errors[0].extensions.code).toBe('BAD_REQUEST');

    // A WebSocket message is held to the same size: the server closes the socket (1009).
    const huge = new TestSubscription(gateway.url, `{ __typename ${'#'.repeat(3000)}\n }`);
    await huge.untilEnded();
    expect((huge.error as { code?: number }).code).toBe(1009);
  });

  it('give each caller RATE_LIMIT operations per window, then 429 with Retry-After, on HTTP and WebSocket', async () => {
    const gateway = await gatewayWith({ RATE_LIMIT: '3', RATE_WINDOW_SEC: '60' });
    const alice = await newUser(run.client, 'alice');
    const bob = await newUser(run.client, 'bob');
    const asAlice = gateway.client.as(alice.token);
    for (let i = 0; i < 3; i++) expect((await asAlice.request('{ me { id } }')).status).toBe(200);
    const refused = await post(gateway.url, { query: '{ me { id } }' }, alice.token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(await overSocket(gateway.url, '{ me { id } }', alice.token)).toBe('RATE_LIMITED');

    // Another user, and callers without a token (by address), have their own allowance.
    expect((await gateway.client.as(bob.token).request('{ me { id } }')).status).toBe(200);
    expect((await gateway.client.request('{ __typename }')).status).toBe(200);
  });

  it('count a caller behind a trusted proxy by the address the proxy appended, not what the caller wrote', async () => {
    const gateway = await gatewayWith({ RATE_LIMIT: '2', TRUST_PROXY: 'true' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.0.${i}, 203.0.113.7` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  const withRedis = process.env.REDIS_URL ? it : it.skip;
  withRedis('share one allowance across gateway replicas through Redis', async () => {
    const settings = { RATE_LIMIT: '4', RATE_WINDOW_SEC: '60', REDIS_URL: process.env.REDIS_URL! };
    const replicas = [await gatewayWith(settings), await gatewayWith(settings)];
    const carol = await newUser(run.client, 'carol');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await post(replicas[i % 2]!.url, { query: '{ me { id } }' }, carol.token)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });
});
