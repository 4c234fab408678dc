// The market pipeline's way into the users domain (DESIGN §2: the owner exports its writes).
// Imports only the kit and SQL, so workers use it as `@switchyard/users/market` without the schema.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { columns, statement } from '@switchyard/kit';

export { insertPrices, type PricePoint } from './ticker/prices.js';

export interface WatchThresholds {
  userId: string;
  symbol: string;
  high: number;
  low: number;
}

export interface NewAlert {
  userId: string;
  symbol: string;
  kind: 'HIGH' | 'LOW';
  price: number;
  threshold: number;
  triggeredAt: Date;
}

const followed = statement<Record<never, never>, { symbol: string }>(
  '/* followedSymbols */ select distinct symbol from users.watches order by symbol',
);
const watchesBySymbol = statement<{ symbols: string[] }, WatchThresholds>(
  '/* watchesOf */ select user_id as "userId", symbol, high, low from users.watches where symbol = any(:symbols::text[])',
);
const ALERT_COLUMNS = ['id', 'userId', 'symbol', 'kind', 'price', 'threshold', 'triggeredAt'] as const;
const insertAlerts = statement<ReturnType<typeof columns<NewAlert & { id: string }, (typeof ALERT_COLUMNS)[number]>>>(
  `/* recordAlerts */ insert into users.alerts (id, user_id, symbol, kind, price, threshold, triggered_at)
   select * from unnest(:id::uuid[], :userId::uuid[], :symbol::text[], :kind::text[], :price::float8[],
     :threshold::float8[], :triggeredAt::timestamptz[])`,
);
const emails = statement<{ ids: string[] }, { id: string; email: string }>(
  '/* emailsOf */ select id, email from users.users where id = any(:ids::uuid[])',
);
const alertEmailed = statement<{ id: string; at: Date }>(
  '/* alertEmailed */ update users.alerts set emailed_at = :at where id = :id',
);

/** Tickers at least one user watches. */
export async function followedSymbols(em: EntityManager): Promise<string[]> {
  return (await followed(em, {})).map((r) => r.symbol);
}

export async function watchesOf(em: EntityManager, symbols: string[]): Promise<WatchThresholds[]> {
  return symbols.length ? watchesBySymbol(em, { symbols }) : [];
}

/** Stores alerts in one statement; returns them with their ids. */
export async function recordAlerts(em: EntityManager, alerts: NewAlert[]): Promise<Array<NewAlert & { id: string }>> {
  if (!alerts.length) return [];
  const withIds = alerts.map((a) => ({ ...a, id: randomUUID() }));
  await insertAlerts(em, columns(withIds, ALERT_COLUMNS));
  return withIds;
}

/** Where to mail each user (users that are gone are simply absent). */
export async function emailsOf(em: EntityManager, userIds: string[]): Promise<Map<string, string>> {
  if (!userIds.length) return new Map();
  return new Map((await emails(em, { ids: userIds })).map((r) => [r.id, r.email]));
}

/** Notes that an alert was mailed (Alert.emailedAt). */
export async function markAlertEmailed(em: EntityManager, alertId: string, at: Date): Promise<void> {
  await alertEmailed(em, { id: alertId, at });
}
