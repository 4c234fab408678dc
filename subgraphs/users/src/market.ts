// The market pipeline's way into the users domain (DESIGN §2: the owner exports its writes).
// Imports only the kit and SQL, so workers use it as `@switchyard/users/market` without the schema.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { columnsOf, sqlRows } from '@switchyard/kit';

export { insertPrices, type PricePoint } from './ticker/prices.js';

/** Tickers at least one user watches. */
export async function followedSymbols(em: EntityManager): Promise<string[]> {
  const rows = await sqlRows<{ symbol: string }>(
    em,
    '/* followedSymbols */ select distinct symbol from users.watches order by symbol',
  );
  return rows.map((r) => r.symbol);
}

export interface WatchThresholds {
  userId: string;
  symbol: string;
  high: number;
  low: number;
}

export async function watchesOf(em: EntityManager, symbols: string[]): Promise<WatchThresholds[]> {
  if (!symbols.length) return [];
  return sqlRows<WatchThresholds>(
    em,
    `/* watchesOf */ select user_id as "userId", symbol, high, low from users.watches where symbol = any(?::text[])`,
    [symbols],
  );
}

export interface NewAlert {
  userId: string;
  symbol: string;
  kind: 'HIGH' | 'LOW';
  price: number;
  threshold: number;
  triggeredAt: Date;
}

/** Stores alerts in one statement; returns them with their ids. */
export async function recordAlerts(em: EntityManager, alerts: NewAlert[]): Promise<Array<NewAlert & { id: string }>> {
  if (!alerts.length) return [];
  const withIds = alerts.map((a) => ({ ...a, id: randomUUID() }));
  await sqlRows(
    em,
    `/* recordAlerts */ insert into users.alerts (id, user_id, symbol, kind, price, threshold, triggered_at)
     select * from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::float8[], ?::float8[], ?::timestamptz[])`,
    columnsOf(withIds, ['id', 'userId', 'symbol', 'kind', 'price', 'threshold', 'triggeredAt']),
  );
  return withIds;
}

/** Where to mail each user (users that are gone are simply absent). */
export async function emailsOf(em: EntityManager, userIds: string[]): Promise<Map<string, string>> {
  if (!userIds.length) return new Map();
  const rows = await sqlRows<{ id: string; email: string }>(
    em,
    '/* emailsOf */ select id, email from users.users where id = any(?::uuid[])',
    [userIds],
  );
  return new Map(rows.map((r) => [r.id, r.email]));
}

/** Notes that an alert was mailed (Alert.emailedAt). */
export async function markAlertEmailed(em: EntityManager, alertId: string, at: Date): Promise<void> {
  await sqlRows(em, '/* alertEmailed */ update users.alerts set emailed_at = ? where id = ?', [at, alertId]);
}
