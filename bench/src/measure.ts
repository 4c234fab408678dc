import { mkdtemp, rm } from 'node:fs/promises';
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
