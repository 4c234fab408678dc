import { generateSigningKey } from '@switchyard/kit';
import { startAll } from '@switchyard/stack';
import { freshDatabase, GraphQLClient, Stack } from '@switchyard/testing';
import { fuzz, printReport } from '../index.js';
import { judgeHttp } from '../judge.js';

// A small seeded run of `npm run fuzz` inside npm test: hostile operations, bodies and sockets
// through the real gateway find no 5xx, no internal error, no leak, and stop no service.
jest.setTimeout(180_000);
const CASES = 200;
const stack = new Stack();
afterAll(() => stack.close());

it('finds nothing in 200 seeded cases against the whole stack', async () => {
  const admin = { email: 'fuzz-admin@example.com', password: 'fuzz-admin-password' };
  const running = await stack.add(
    startAll({
      databaseUrl: await freshDatabase('fuzz'),
      gatewayKey: await generateSigningKey(),
      admin,
      gateway: { RATE_LIMIT: '1000000000' },
    }),
  );
  const client = new GraphQLClient(running.gateway.url);
  const { register } = await client.data(
    'mutation { register(email: "fuzzed@example.com", password: "fuzzed-password") { token } }',
  );
  const { login } = await client.data(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
    {
      e: admin.email,
      p: admin.password,
    },
  );
  const report = await fuzz({
    url: running.gateway.url,
    seed: Number(process.env.FUZZ_SEED ?? 20261201),
    count: CASES,
    tokens: [register.token, login.token],
    concurrency: 4,
    alive: async () => {
      for (const service of [running.users, running.sessions, running.gateway]) {
        if (!(await fetch(`${new URL(service.url).origin}/health`)).ok) throw new Error(`${service.url} is down`);
      }
    },
  });
  expect(report.cases).toBe(CASES);
  // Every kind of case was tried: operations, raw bodies and sockets.
  expect(Object.keys(report.byKind).some((kind) => kind.startsWith('websocket'))).toBe(true);
  expect(report.byKind['raw body']).toBeGreaterThan(0);
  expect(report.findings).toEqual([]);
  expect(printReport(report)).toContain('found: 0 problem(s)');
});

it('judges a 5xx, an internal error and a leaked stack as findings', () => {
  expect(judgeHttp(200, '{"data":{"a":1}}')).toEqual([]);
  expect(judgeHttp(502, '')).toEqual(['HTTP 502']);
  expect(judgeHttp(200, '{"errors":[{"extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}')).toEqual([
    'INTERNAL_SERVER_ERROR',
  ]);
  expect(judgeHttp(400, '"at Object.run (/srv/app/dist/x.js:10:5)"')).toEqual([expect.stringMatching(/^leak/)]);
  expect(judgeHttp(400, 'relation "users" does not exist')).toEqual([expect.stringMatching(/^leak/)]);
});
