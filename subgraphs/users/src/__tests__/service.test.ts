import { randomBytes } from 'node:crypto';
import { parseEnv } from '@switchyard/kit';
import { freshDatabase, GraphQLClient, Stack } from '@switchyard/testing';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startUsers } from '../service.js';
import { usersEnv } from '../env.js';

const stack = new Stack();
afterAll(() => stack.close());

async function start(extra: Record<string, string> = {}) {
  const env = parseEnv(usersEnv, {
    NODE_ENV: 'test',
    DATABASE_URL: await freshDatabase(),
    HOST: '127.0.0.1',
    PORT: '0',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: 'admin@example.com',
    ADMIN_PASSWORD: 'admin-password-1',
    ...extra,
  });
  return stack.add(startUsers(env as Parameters<typeof startUsers>[0]));
}

describe('a subgraph service', () => {
  it('answers GraphQL over WebSocket, reading Authorization from the connection params', async () => {
    const users = await start();
    const http = new GraphQLClient(users.url);
    const { register } = await http.data(
      'mutation { register(email: "ws@example.com", password: "long-enough-pw") { token user { id } } }',
    );
    const client = createClient({
      url: users.url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${register.token}` },
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

  it('labels request metrics with resolved operation names only', async () => {
    const users = await start();
    const http = new GraphQLClient(users.url);
    await http.request('query Named { __typename }');
    await http.request('query Named { __typename }', undefined, {});
    await fetch(users.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', operationName: 'MadeUp' }),
    });
    const metrics = await (await fetch(`${new URL(users.url).origin}/metrics`)).text();
    expect(metrics).toMatch(/graphql_requests_total\{operation="Named",outcome="success"[^}]*\} 2/);
    expect(metrics).not.toContain('MadeUp');
  });

  it('reports not ready while draining, before it stops listening', async () => {
    const users = await start({ SHUTDOWN_DELAY_MS: '1500' });
    const ready = `${new URL(users.url).origin}/ready`;
    expect((await fetch(ready)).status).toBe(200);
    // close() marks the service draining before it yields, so the very next request sees it.
    const closing = users.close();
    expect((await fetch(ready)).status).toBe(503);
    await closing;
    await expect(fetch(ready)).rejects.toThrow();
  });
});
