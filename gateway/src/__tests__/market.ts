// What the ingestion tests share: replayed price series, extra replicas over a stack's database,
// the alert-mail jobs as stored.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestionEnv, type startIngestion } from '@switchyard/ingestion';
import { parseEnv } from '@switchyard/kit';
import type { sqlClient } from '@switchyard/testing';
import type { Running } from './stack.js';

export const WATCH = 'mutation($s: String!, $h: Float!, $l: Float!) { watch(symbol: $s, high: $h, low: $l) { high } }';
export const FEED =
  '{ ticker(symbol: "ACME") { feed { provider circuit consecutiveFailures lastSuccessAt lastError } } }';

export async function replayFile(rows: Array<[string, number[]]>): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'replay-')), 'prices.csv');
  const lines = ['date,symbol,price'];
  for (const [symbol, prices] of rows) {
    prices.forEach((p, i) => lines.push(`${new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString()},${symbol},${p}`));
  }
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

/** Settings for another ingestion replica over the stack's database (no schedule). */
export function replicaEnv(run: Running, extra: Record<string, string> = {}) {
  return parseEnv(ingestionEnv, {
    NODE_ENV: 'test',
    DATABASE_URL: run.db,
    HOST: '127.0.0.1',
    PORT: '0',
    GATEWAY_PUBLIC_KEYS: JSON.stringify(run.gatewayKey.publicJwk),
    USERS_URL: run.users.url,
    COLLECT_INTERVAL: '0',
    MAIL_POLL_MS: '500',
    MQTT_PORT: '0',
    ...extra,
  }) as Parameters<typeof startIngestion>[0];
}

/** The alert-mail jobs (and their dead letters), oldest first. */
export async function mailJobs(sql: Awaited<ReturnType<typeof sqlClient>>) {
  const { rows } = await sql.query(
    `select name, state, retry_count as "retryCount", data->>'alertId' as "alertId", data->>'userId' as "userId"
     from sy_jobs.job where name in ('alert-mail', 'alert-mail-dead') order by created_on, id`,
  );
  return rows as Array<{ name: string; state: string; retryCount: number; alertId: string; userId: string }>;
}

/** A replica that only mails, through `smtpUrl`. */
export const mailerEnv = (run: Running, smtpUrl: string, extra: Record<string, string> = {}) =>
  replicaEnv(run, { SMTP_URL: smtpUrl, ...extra });

/** The alerts a watch must raise over a series, worked out here without the collector's code. */
export function expectedAlerts(series: number[], high: number, low: number) {
  const out: Array<{ kind: string; price: number; threshold: number }> = [];
  let last = 'inside';
  for (const price of series) {
    const now = price > high ? 'HIGH' : price < low ? 'LOW' : 'inside';
    if (now !== 'inside' && now !== last) out.push({ kind: now, price, threshold: now === 'HIGH' ? high : low });
    last = now;
  }
  return out;
}
