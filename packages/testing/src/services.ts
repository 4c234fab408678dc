import { readFileSync } from 'node:fs';
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

/**
 * Ports for tests to hand to processes that listen later: below the kernel's ephemeral range,
 * which every outgoing connection on the machine takes its local port from. A port picked from
 * that range (as `listen(0)` does) can be taken by some connection in the seconds before the
 * process that was given it listens (a service migrates first), and that process then cannot
 * start at all. Each jest worker has its own block, handed out in turn from a random start.
 */
const BLOCKS = 8;
let block: { low: number; size: number } | undefined;
let next = 0;

function portBlock(): { low: number; size: number } {
  if (block) return block;
  let ephemeralLow = 32768;
  try {
    ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    // Not Linux: its ephemeral range starts higher still (49152 on macOS and Windows).
  }
  const size = Math.floor(Math.min(12_000, ephemeralLow - 10_000) / BLOCKS);
  const worker = (Number(process.env.JEST_WORKER_ID ?? 1) - 1) % BLOCKS;
  block = { low: ephemeralLow - size * (BLOCKS - worker), size };
  next = Math.floor(Math.random() * size);
  return block;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port nobody listens on right now and no outgoing connection will take (see portBlock). */
export async function freePort(): Promise<number> {
  const { low, size } = portBlock();
  for (let tried = 0; tried < size; tried++) {
    const port = low + (next++ % size);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${low}-${low + size - 1}`);
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
