// The sensors domain's way in for ingestion (`@switchyard/sensors/readings`): only the kit and SQL.
import type { EntityManager } from '@mikro-orm/postgresql';
import { columnsOf, sqlRows } from '@switchyard/kit';

export interface SensorTarget {
  id: string;
  active: boolean;
  siteId: string;
  normalMin: number | null;
  normalMax: number | null;
}

/** Sensors by code, with whether their equipment still takes readings. */
export async function sensorsByCode(em: EntityManager, codes: string[]): Promise<Map<string, SensorTarget>> {
  if (!codes.length) return new Map();
  const rows = await sqlRows<SensorTarget & { code: string }>(
    em,
    `/* sensorsByCode */ select s.code, s.id, e.active, e.site_id as "siteId", s.normal_min as "normalMin",
       s.normal_max as "normalMax"
     from sensors.sensors s join sensors.equipment e on e.id = s.equipment_id where s.code = any(?::text[])`,
    [codes],
  );
  return new Map(rows.map(({ code, ...target }) => [code, target]));
}

/** Readings before this instant are no longer kept raw; older ones are refused (null: all kept). */
export async function readingsKeptSince(em: EntityManager): Promise<Date | null> {
  const [row] = await sqlRows<{ readings_from: string }>(
    em,
    '/* readingsKeptSince */ select readings_from from sensors.kept_since',
  );
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
  // wait on each other crosswise; buckets are binned from the epoch, whatever the session's zone.
  const sorted = [...readings].sort((a, b) => a.sensorId.localeCompare(b.sensorId) || a.at.getTime() - b.at.getTime());
  const rollup = (width: string, interval: string) => `
    insert into sensors.rollups as r (sensor_id, width, bucket_start, count, sum, min, max)
    select sensor_id, '${width}', date_bin('${interval}', at, 'epoch'), count(*), sum(value), min(value), max(value)
    from stored group by 1, 3 order by 1, 3
    on conflict (sensor_id, width, bucket_start) do update set count = r.count + excluded.count,
      sum = r.sum + excluded.sum, min = least(r.min, excluded.min), max = greatest(r.max, excluded.max)`;
  const rows = await sqlRows<{
    sensor_id: string;
    at: string | Date;
    value: number;
    kind: 'HIGH' | 'LOW' | null;
    normal_min: number | null;
    normal_max: number | null;
  }>(
    em,
    `/* insertReadings */ with stored as (
       insert into sensors.readings (sensor_id, at, value)
       select * from unnest(?::uuid[], ?::timestamptz[], ?::float8[]) on conflict do nothing
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
    columnsOf(sorted, ['sensorId', 'at', 'value']),
  );
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
