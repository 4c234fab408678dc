// Analytics results into the sensors domain, for ingestion (`@switchyard/sensors/analytics`).
import type { EntityManager } from '@mikro-orm/postgresql';
import { columnsOf, sqlRows } from '@switchyard/kit';

export const ANALYTICS_KINDS = ['ANOMALY_SCORE', 'FORECAST'] as const;
export type AnalyticsKind = (typeof ANALYTICS_KINDS)[number];

export interface NewResult {
  equipmentId: string;
  kind: AnalyticsKind;
  model: string;
  at: Date;
  value: number;
}

/** Equipment ids by code. */
export async function equipmentByCode(em: EntityManager, codes: string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const rows = await sqlRows<{ code: string; id: string }>(
    em,
    '/* equipmentByCode */ select code, id from sensors.equipment where code = any(?::text[])',
    [codes],
  );
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** One upsert: a result for an instant a model already gave replaces it. Returns how many were new. */
export async function upsertResults(
  em: EntityManager,
  results: NewResult[],
): Promise<{ inserted: number; replaced: number }> {
  if (!results.length) return { inserted: 0, replaced: 0 };
  const rows = await sqlRows<{ inserted: boolean }>(
    em,
    `/* upsertAnalytics */ insert into sensors.analytics as a (equipment_id, kind, model, at, value)
     select * from unnest(?::uuid[], ?::text[], ?::text[], ?::timestamptz[], ?::float8[])
     on conflict (equipment_id, kind, at, model) do update set value = excluded.value
     returning (xmax = 0) as inserted`,
    columnsOf(results, ['equipmentId', 'kind', 'model', 'at', 'value']),
  );
  const inserted = rows.filter((r) => r.inserted).length;
  return { inserted, replaced: rows.length - inserted };
}
