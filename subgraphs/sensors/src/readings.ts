// The sensors domain's way in for ingestion (`@switchyard/sensors/readings`): only the kit and SQL.
import type { EntityManager } from '@mikro-orm/postgresql';
import { statement } from '@switchyard/kit';

export interface SensorTarget {
  id: string;
  active: boolean;
  siteId: string;
  normalMin: number | null;
  normalMax: number | null;
}

const sensorTargets = statement<{ codes: string[] }, SensorTarget & { code: string }>(
  `/* sensorsByCode */ select s.code, s.id, e.active, e.site_id as "siteId", s.normal_min as "normalMin",
     s.normal_max as "normalMax"
   from sensors.sensors s join sensors.equipment e on e.id = s.equipment_id where s.code = any(:codes::text[])`,
);

const keptSince = statement<Record<string, never>, { readings_from: string }>(
  '/* readingsKeptSince */ select readings_from from sensors.kept_since',
);

/** Sensors by code, with whether their equipment still takes readings. */
export async function sensorsByCode(em: EntityManager, codes: string[]): Promise<Map<string, SensorTarget>> {
  if (!codes.length) return new Map();
  const rows = await sensorTargets(em, { codes });
  return new Map(rows.map(({ code, ...target }) => [code, target]));
}

/** Readings before this instant are no longer kept raw; older ones are refused (null: all kept). */
export async function readingsKeptSince(em: EntityManager): Promise<Date | null> {
  const [row] = await keptSince(em, {});
  return row ? new Date(row.readings_from) : null;
}

export interface NewReading {
  sensorId: string;
  at: Date;
  value: number;
}

export interface StoredAlert extends NewReading {
  kind: 'HIGH' | 'LOW';
  normalMin: number | null;
  normalMax: number | null;
}

// Buckets are binned from the epoch, whatever the session's zone; the widths are literals of the
// fixed text (composed once, here), not parameters.
const rollup = (width: '1m' | '1h', interval: string) => `
    insert into sensors.rollups as r (sensor_id, width, bucket_start, count, sum, min, max)
    select sensor_id, '${width}', date_bin('${interval}', at, 'epoch'), count(*), sum(value), min(value), max(value)
    from stored group by 1, 3 order by 1, 3
    on conflict (sensor_id, width, bucket_start) do update set count = r.count + excluded.count,
      sum = r.sum + excluded.sum, min = least(r.min, excluded.min), max = greatest(r.max, excluded.max)`;

const storeReadings = statement<
  { sensorIds: string[]; ats: Date[]; values: number[] },
  {
    sensor_id: string;
    at: string;
    value: number;
    kind: 'HIGH' | 'LOW' | null;
    normal_min: number | null;
    normal_max: number | null;
  }
>(
  `/* insertReadings */ with stored as (
     insert into sensors.readings (sensor_id, at, value)
     select * from unnest(:sensorIds::uuid[], :ats::timestamptz[], :values::float8[]) on conflict do nothing
     returning sensor_id, at, value
   ), minutes as (${rollup('1m', '1 minute')}), hours as (${rollup('1h', '1 hour')}),
   judged as (
     select r.sensor_id, r.at, r.value, s.normal_min, s.normal_max,
       case when r.value > s.normal_max then 'HIGH' when r.value < s.normal_min then 'LOW' end as kind
     from stored r join sensors.sensors s on s.id = r.sensor_id
   ), alerts as (
     insert into sensors.alerts (sensor_id, at, value, kind, normal_min, normal_max)
     select sensor_id, at, value, kind, normal_min, normal_max from judged where kind is not null
     on conflict do nothing
   )
   select * from judged order by at, sensor_id`,
);

/**
 * One statement: the readings (a reading already stored, same sensor and instant, is kept as it
 * was) and, from those stored now only, the minute and hour rollups and an alert for each one
 * outside its sensor's normal range. Returns what it stored.
 */
export async function insertReadings(
  em: EntityManager,
  readings: NewReading[],
): Promise<{ stored: NewReading[]; alerts: StoredAlert[] }> {
  if (!readings.length) return { stored: [], alerts: [] };
  // Rows are taken in one order (sensor, then time) by every writer, so concurrent batches never
  // wait on each other crosswise.
  const sorted = [...readings].sort((a, b) => a.sensorId.localeCompare(b.sensorId) || a.at.getTime() - b.at.getTime());
  const rows = await storeReadings(em, {
    sensorIds: sorted.map((r) => r.sensorId),
    ats: sorted.map((r) => r.at),
    values: sorted.map((r) => r.value),
  });
  const stored = rows.map((r) => ({ sensorId: r.sensor_id, at: new Date(r.at), value: r.value }));
  const alerts = rows
    .filter((r) => r.kind)
    .map((r) => ({
      sensorId: r.sensor_id,
      at: new Date(r.at),
      value: r.value,
      kind: r.kind!,
      normalMin: r.normal_min,
      normalMax: r.normal_max,
    }));
  return { stored, alerts };
}
