import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { netBench } from '../micro.js';

const MB = 2 ** 20;
const servers: Server[] = [];

/** A real HTTP server in this process; the benchmark reaches it over loopback as it would any URL. */
async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('netBench', () => {
  it('reads at least one whole response even when the window is far shorter', async () => {
    let finished = 0;
    const url = await serve((_req, res) => {
      res.on('finish', () => finished++);
      res.end(Buffer.alloc(MB / 2, 1));
    });
    const mbits = await netBench(0.001, url);
    expect(Number.isFinite(mbits)).toBe(true);
    expect(mbits).toBeGreaterThan(0);
    expect(finished).toBeGreaterThanOrEqual(1);
  });

  it('does not count the wait for the first answer, so a slow server still gets a figure', async () => {
    // The server answers only after the whole window: the old measurement aborted and said 0.
    const url = await serve((_req, res) => {
      setTimeout(() => res.end(Buffer.alloc(MB, 1)), 100);
    });
    expect(await netBench(0.01, url)).toBeGreaterThan(0);
  });

  it('stops an endless response once the window is over and a sample has arrived', async () => {
    let closed!: Promise<unknown>;
    const url = await serve((_req, res) => {
      closed = new Promise((resolve) => res.on('close', resolve));
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', pump);
      pump();
    });
    expect(await netBench(0.05, url)).toBeGreaterThan(0);
    await closed; // the benchmark hung up rather than reading on
  });

  it('fails clearly on an error status or an empty body instead of reporting 0', async () => {
    const failing = await serve((_req, res) => {
      res.statusCode = 503;
      res.end('busy');
    });
    await expect(netBench(0.01, failing)).rejects.toThrow(`${failing} answered 503`);
    const empty = await serve((_req, res) => res.end());
    await expect(netBench(0.01, empty)).rejects.toThrow('sent no bytes');
  });
});
