// Analytics results into the sensors domain, for ingestion (`@switchyard/sensors/analytics`).
import type { EntityManager } from '@mikro-orm/postgresql';
import { statement } from '@switchyard/kit';

export const ANALYTICS_KINDS = ['ANOMALY_SCORE', 'FORECAST'] as const;
export type AnalyticsKind = (typeof ANALYTICS_KINDS)[number];

export interface NewResult {
  equipmentId: string;
  kind: AnalyticsKind;
  model: string;
  at: Date;
  value: number;
}

const equipmentIds = statement<{ codes: string[] }, { code: string; id: string }>(
  '/* equipmentByCode */ select code, id from sensors.equipment where code = any(:codes::text[])',
);

const upsertAnalytics = statement<
  { equipmentIds: string[]; kinds: AnalyticsKind[]; models: string[]; ats: Date[]; values: number[] },
  { inserted: boolean }
>(
  `/* upsertAnalytics */ insert into sensors.analytics as a (equipment_id, kind, model, at, value)
   select * from unnest(:equipmentIds::uuid[], :kinds::text[], :models::text[], :ats::timestamptz[], :values::float8[])
   on conflict (equipment_id, kind, at, model) do update set value = excluded.value
   returning (xmax = 0) as inserted`,
);

/** Equipment ids by code. */
export async function equipmentByCode(em: EntityManager, codes: string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const rows = await equipmentIds(em, { codes });
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** One upsert: a result for an instant a model already gave replaces it. Returns how many were new. */
export async function upsertResults(
  em: EntityManager,
  results: NewResult[],
): Promise<{ inserted: number; replaced: number }> {
  if (!results.length) return { inserted: 0, replaced: 0 };
  const rows = await upsertAnalytics(em, {
    equipmentIds: results.map((r) => r.equipmentId),
    kinds: results.map((r) => r.kind),
    models: results.map((r) => r.model),
    ats: results.map((r) => r.at),
    values: results.map((r) => r.value),
  });
  const inserted = rows.filter((r) => r.inserted).length;
  return { inserted, replaced: rows.length - inserted };
}
