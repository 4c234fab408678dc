import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { generateSigningKey, startEmbeddedPostgres } from '@switchyard/kit';
import { type RunningStack, startAll } from '@switchyard/stack';
import { freePort } from '@switchyard/testing';
import pg from 'pg';

async function sql(server: string, statements: string[]) {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A fresh database for a benchmark: on BENCH_DATABASE_URL's server, or an embedded one. */
export async function benchDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  let server = process.env.BENCH_DATABASE_URL;
  let embedded: { stop(): Promise<void>; dataDir: string } | undefined;
  if (!server) {
    const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-bench-'));
    const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres' });
    server = pg.url;
    embedded = { stop: pg.stop, dataDir };
  }
  const reset = [`drop database if exists "${name}" with (force)`];
  await sql(server, [...reset, `create database "${name}"`]);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await sql(server, reset);
      if (embedded) {
        await embedded.stop();
        await rm(embedded.dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A GraphQL caller for timed reads: node:http over one kept-alive connection, each answer parsed
 * whole and refused if it has errors. Lighter than fetch (about a third of the CPU per 66 KB
 * answer here), so the bench's own client takes less of the cores the services it times share.
 */
export function keptAliveCaller(url: string, token: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return <T = Record<string, any>>(query: string, variables?: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) => {
      const body = JSON.stringify({ query, variables });
      const headers = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${token}`,
      };
      const req = request(url, { method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          try {
            const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (answer.errors?.length || !answer.data) reject(new Error(`GraphQL errors: ${JSON.stringify(answer)}`));
            else resolve(answer.data as T);
          } catch (error) {
            reject(error);
          }
        });
      });
      req.on('error', reject);
      req.end(body);
    });
}

/** Latency percentiles (ms) of `runs` sequential calls, after `warmup` unmeasured ones. */
export async function latency(call: () => Promise<unknown>, runs: number, warmup = Math.ceil(runs / 10)) {
  for (let i = 0; i < warmup; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await call();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { runs, ...percentiles(times) };
}

/** p50, p99 and max (nearest rank) of `values`, which it sorts; zeros when there are none. */
export function percentiles(values: number[]): { p50: number; p99: number; max: number } {
  values.sort((a, b) => a - b);
  const at = (p: number) => values[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)] ?? 0;
  return { p50: at(50), p99: at(99), max: values.at(-1) ?? 0 };
}

/**
 * A metric from a service's /metrics (`url`'s origin, with METRICS_TOKEN's `token` if it has one),
 * summed over its series (labels), or undefined when the service does not have it: a gauge
 * another build adds can be told from zero.
 */
export async function scrapeMetric(url: string, name: string, token?: string): Promise<number | undefined> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const text = await fetch(`${new URL(url).origin}/metrics`, { headers }).then(
    (r) => (r.ok ? r.text() : ''),
    () => '',
  );
  const lines = text.split('\n').filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return lines.length ? lines.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0) : undefined;
}

/**
 * Every service and the gateway in this process over a fresh bench database. One machine plays
 * many users, so the per-caller rate limit (not what is measured) is lifted.
 */
export async function benchStack(name: string): Promise<{
  stack: RunningStack;
  admin: { email: string; password: string };
  db: string;
  close(): Promise<void>;
}> {
  const db = await benchDatabase(name);
  const admin = { email: 'bench-admin@switchyard.local', password: randomBytes(12).toString('hex') };
  const stack = await startAll({
    databaseUrl: db.url,
    gatewayKey: await generateSigningKey(),
    admin,
    gateway: { RATE_LIMIT: '1000000000' },
  });
  return {
    stack,
    admin,
    db: db.url,
    close: async () => {
      await stack.close();
      await db.drop();
    },
  };
}
