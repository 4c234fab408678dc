import { Stack, viewerHeader } from '@switchyard/testing';
import { type Running, startStack } from './stack.js';

const stack = new Stack();
let run: Running;
let origin: string;

beforeAll(async () => {
  run = await startStack(stack);
  origin = new URL(run.gateway.url).origin;
});
afterAll(() => stack.close());

describe('the gateway over HTTP', () => {
  it('refuses simple cross-site requests (CSRF prevention)', async () => {
    const simple = await fetch(`${run.gateway.url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(simple.status).toBe(400);
    expect(await simple.text()).toMatch(/CSRF/i);
    const plain = await fetch(run.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"query":"{ __typename }"}',
    });
    expect(plain.status).toBe(400);
    const json = await fetch(run.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(await json.json()).toEqual({ data: { __typename: 'Query' } });
    // No answer is for a cache to keep, the gateway's nor a subgraph's.
    expect(json.headers.get('cache-control')).toBe('no-store');
    const subgraph = await fetch(run.sensors.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await viewerHeader(run.gatewayKey, 'sensors')) },
      body: '{"query":"{ __typename }"}',
    });
    expect(subgraph.status).toBe(200);
    expect(subgraph.headers.get('cache-control')).toBe('no-store');
  });

  it("answers as one line of JSON, the gateway and its subgraphs alike (not Apollo's indented default)", async () => {
    const body = '{"query":"{ __typename }"}';
    const gateway = await fetch(run.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(await gateway.text()).toBe('{"data":{"__typename":"Query"}}');
    const subgraph = await fetch(run.sensors.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await viewerHeader(run.gatewayKey, 'sensors')) },
      body,
    });
    expect(await subgraph.text()).toBe('{"data":{"__typename":"Query"}}');
  });

  it('serves Apollo Sandbox with CORS for it in development', async () => {
    const page = await fetch(run.gateway.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/sandbox/i);
    const preflight = await fetch(run.gateway.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://studio.apollographql.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://studio.apollographql.com');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('counts requests by operation on /metrics and tags every response with a request id', async () => {
    const response = await fetch(run.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-1' },
      body: JSON.stringify({ query: 'query Probe { __typename }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('trace-me-1');
    const metrics = await (await fetch(`${origin}/metrics`)).text();
    expect(metrics).toMatch(/graphql_requests_total\{operation="Probe",outcome="success"[^}]*\} 1/);
    expect((await fetch(`${origin}/health`)).status).toBe(200);
  });
});
