import { createServer } from 'node:net';

interface Closable {
  close(): Promise<void>;
}

/** Tracks what a test file started and closes it all, last started first. */
export class Stack {
  private readonly started: Closable[] = [];

  async add<T extends Closable>(service: Promise<T> | T): Promise<T> {
    const ready = await service;
    this.started.push(ready);
    return ready;
  }

  async close(): Promise<void> {
    for (const service of this.started.splice(0).reverse()) await service.close();
  }
}

/** A TCP port nobody listens on right now, for child processes that need a port up front. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Polls until `check` resolves truthy, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A metric as a service's /metrics shows it now: the first series of that name, or the one with
 * all of `labels` (beside the service's own).
 */
export async function metricOf(serviceUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${new URL(serviceUrl).origin}/metrics`)).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text
    .split('\n')
    .find((l) => (l.startsWith(`${name} `) || l.startsWith(`${name}{`)) && wanted.every((pair) => l.includes(pair)));
  return Number(line?.split(' ').at(-1) ?? 0);
}
