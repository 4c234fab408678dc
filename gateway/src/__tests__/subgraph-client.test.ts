import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SubgraphClient } from '../subgraph-client.js';

describe('SubgraphClient', () => {
  let server: Server;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const arrived: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        arrived.push(body);
        void held.then(() => res.end('{"data":{"ok":true}}'));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('closes only once the fetches under way have their answers', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const client = new SubgraphClient(url, { timeoutMs: 30_000, connections: 4 });
    const answer = client.send('mutation', { 'content-type': 'application/json' }, 'refused');
    // The subgraph has the request (a mutation it may be running) when the client is retired.
    await new Promise<void>((resolve) => {
      const check = () => (arrived.length ? resolve() : setImmediate(check));
      check();
    });
    let closed = false;
    const closing = client.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    expect(await answer).toMatchObject({ status: 200, body: '{"data":{"ok":true}}' });
    await closing;
    expect(arrived).toEqual(['mutation']);
  });
});
