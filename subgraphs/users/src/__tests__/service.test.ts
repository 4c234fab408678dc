import { randomBytes } from 'node:crypto';
import {
  codes,
  freePort,
  freshDatabase,
  Stack,
  tcpProxy,
  throughProxy,
  viewerHeader,
  waitFor,
} from '@switchyard/testing';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { asGateway, gatewayKey, startAlone } from './alone.js';

const stack = new Stack();
afterAll(() => stack.close());
const start = (extra: Record<string, string> = {}) => startAlone(stack, extra);

describe('a subgraph service', () => {
  it('answers GraphQL over WebSocket, reading the viewer assertion from the connection params', async () => {
    const users = await start();
    const http = await asGateway(users.url);
    const { register } = await http.data(
      'mutation { register(email: "ws@example.com", password: "long-enough-pw") { token user { id } } }',
    );
    const client = createClient({
      url: users.url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: await viewerHeader(await gatewayKey, 'users', {
        kind: 'user',
        id: register.user.id,
        role: 'USER',
        scopes: [],
      }),
    });
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        let value: unknown;
        client.subscribe(
          { query: '{ me { id } }' },
          { next: (v) => (value = v), error: reject, complete: () => resolve(value) },
        );
      });
      expect(result).toEqual({ data: { me: { id: register.user.id } } });
    } finally {
      await client.dispose();
    }
  });

  it('adds an inline trace (ftv1) when the gateway asks for one, unless INLINE_TRACES=false', async () => {
    const ask = { 'apollo-federation-include-trace': 'ftv1' };
    const traced = await (await asGateway((await start()).url)).request('{ __typename }', undefined, ask);
    expect(typeof traced.extensions?.ftv1).toBe('string');
    const plain = await (await asGateway((await start()).url)).request('{ __typename }');
    expect(plain.extensions?.ftv1).toBeUndefined();
    const off = await start({ INLINE_TRACES: 'false' });
    expect(
      (await (await asGateway(off.url)).request('{ __typename }', undefined, ask)).extensions?.ftv1,
    ).toBeUndefined();
  });

  it('labels request metrics with resolved operation names only', async () => {
    const users = await start();
    const http = await asGateway(users.url);
    await http.request('query Named { __typename }');
    await http.request('query Named { __typename }', undefined, {});
    await fetch(users.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await viewerHeader(await gatewayKey, 'users')) },
      body: JSON.stringify({ query: '{ __typename }', operationName: 'MadeUp' }),
    });
    const metrics = await (await fetch(`${new URL(users.url).origin}/metrics`)).text();
    expect(metrics).toMatch(/graphql_requests_total\{operation="Named",outcome="success"[^}]*\} 2/);
    expect(metrics).not.toContain('MadeUp');
  });

  it('answers UNAVAILABLE and reports its database by name while it cannot reach it, and recovers', async () => {
    const database = await freshDatabase();
    const { hostname, port } = new URL(database);
    const proxy = await tcpProxy({ host: hostname, port: Number(port || 5432) });
    await stack.add(proxy);
    const users = await start({ DATABASE_URL: throughProxy(database, proxy) });
    const ready = `${new URL(users.url).origin}/ready`;
    const client = await asGateway(users.url);
    const LOGIN = 'mutation { login(email: "nobody@example.com", password: "long-enough-pw") { token } }';
    expect((await fetch(ready)).status).toBe(200);

    await proxy.cut();
    const down = await fetch(ready);
    expect(down.status).toBe(503);
    const body = await down.text();
    expect(JSON.parse(body)).toEqual({
      status: 'unavailable',
      service: 'users',
      reason: 'unavailable: database',
      unavailable: ['database'],
    });
    expect(body).not.toMatch(/127\.0\.0\.1|postgres|:\d{2,5}\b/);
    const refused = await client.request(LOGIN);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors![0]!.extensions?.code).toBe('UNAVAILABLE');
    expect(refused.errors![0]!.message).toBe('the database is unavailable; try again');

    await proxy.restore();
    await waitFor(async () => (await fetch(ready)).status === 200 || undefined, 20_000, 'ready again');
    expect(codes(await client.request(LOGIN))).toEqual(['UNAUTHENTICATED']);
  });

  it('keeps /metrics off the public port in production: behind METRICS_TOKEN, or on METRICS_PORT alone', async () => {
    const origin = (service: { url: string }) => new URL(service.url).origin;
    const closed = await start({ NODE_ENV: 'production' });
    expect((await fetch(`${origin(closed)}/metrics`)).status).toBe(404);

    const token = randomBytes(16).toString('hex');
    const guarded = await start({ NODE_ENV: 'production', METRICS_TOKEN: token });
    expect((await fetch(`${origin(guarded)}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${origin(guarded)}/metrics`, { headers: { authorization: `Bearer ${token}x` } });
    expect(wrong.status).toBe(401);
    const scraped = await fetch(`${origin(guarded)}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('graphql_requests_total');

    const apart = await start({ NODE_ENV: 'production', METRICS_PORT: String(await freePort()) });
    expect((await fetch(`${origin(apart)}/metrics`)).status).toBe(404);
    expect(apart.service.metricsUrl).not.toContain(`:${apart.service.port}/`);
    const own = await fetch(apart.service.metricsUrl);
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('graphql_requests_total');
  });

  it('reports not ready while draining, before it stops listening', async () => {
    const users = await start({ SHUTDOWN_DELAY_MS: '1500' });
    const ready = `${new URL(users.url).origin}/ready`;
    expect((await fetch(ready)).status).toBe(200);
    // close() marks the service draining before it yields, so the very next request sees it.
    const closing = users.service.close();
    expect((await fetch(ready)).status).toBe(503);
    await closing;
    await expect(fetch(ready)).rejects.toThrow();
  });
});
