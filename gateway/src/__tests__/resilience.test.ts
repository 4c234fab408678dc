import { codes, Stack } from '@switchyard/testing';
import { newUser, type Running, startStack } from './stack.js';

const stack = new Stack();
let run: Running;

beforeAll(async () => {
  run = await startStack(stack);
});
afterAll(() => stack.close());

const origin = (url: string) => new URL(url).origin;

describe('when a subgraph is down', () => {
  it('fails readiness and answers its fields with errors, without the gateway going down', async () => {
    const user = await newUser(run.client);
    expect((await fetch(`${origin(run.gateway.url)}/ready`)).status).toBe(200);

    await run.users.close();

    const ready = await fetch(`${origin(run.gateway.url)}/ready`);
    expect(ready.status).toBe(503);
    // Which dependency is down, by name, and nothing a prober could use to find it.
    const body = await ready.text();
    expect(JSON.parse(body)).toEqual({
      status: 'unavailable',
      service: 'gateway',
      reason: 'unavailable: users',
      unavailable: ['users'],
    });
    expect(body).not.toMatch(/127\.0\.0\.1|localhost|:\d{2,5}\b|ECONN/);
    expect((await fetch(`${origin(run.gateway.url)}/health`)).status).toBe(200);

    for (let i = 0; i < 3; i++) {
      const result = await run.client.as(user.token).request('{ me { id } }');
      expect(result.status).toBe(200);
      expect(result.data?.me ?? null).toBeNull();
      expect(result.errors?.length).toBeGreaterThan(0);
      expect(codes(result)).not.toContain('UNAUTHENTICATED');
    }
  });
});
