// The sensors domain's way in for ingestion (`@switchyard/sensors/readings`): only the kit and SQL.
import type { EntityManager } from '@mikro-orm/postgresql';
import { statement } from '@switchyard/kit';

export {
  isMissingPartition,
  prepareReadingPartitions,
  readingsKeptSince,
  withReadingPartitions,
} from './partitions.js';

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

/** Sensors by code, with whether their equipment still takes readings. */
export async function sensorsByCode(em: EntityManager, codes: string[]): Promise<Map<string, SensorTarget>> {
  if (!codes.length) return new Map();
  const rows = await sensorTargets(em, { codes });
  return new Map(rows.map(({ code, ...target }) => [code, target]));
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

type StoreRow = {
  what: 'alert' | 'duplicate';
  sensor_id: string;
  at: string;
  value: number;
  kind: 'HIGH' | 'LOW' | null;
  normal_min: number | null;
  normal_max: number | null;
};

/**
 * The statement storing readings, in two forms: `anyStored` takes a reading already stored as a
 * duplicate (and returns it as one); the other assumes there is none, and fails on one, which
 * costs PostgreSQL a good deal less per row.
 */
const storing = (anyStored: boolean) =>
  statement<{ since: number; sensorIds: string; sensors: string; times: string; values: string }, StoreRow>(
    `/* ${anyStored ? 'insertReadings' : 'insertNewReadings'} */ with named as (select :sensorIds::uuid[] as ids),
     input as (
       select (select ids from named)[n] as sensor_id, to_timestamp((:since::float8 + ms) / 1000) as at, value
       from unnest(:sensors::int4[], :times::float8[], :values::float8[]) as i (n, ms, value)
     ), stored as (
       insert into sensors.readings (sensor_id, at, value)
       select sensor_id, at, value from input order by sensor_id, at
       ${anyStored ? 'on conflict do nothing' : ''}
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
     select 'alert' as what, sensor_id, at, value, kind, normal_min, normal_max from judged where kind is not null
     ${
       anyStored
         ? `union all
     select 'duplicate', sensor_id, at, value, null, null, null from input i
     where not exists (select 1 from stored s where s.sensor_id = i.sensor_id and s.at = i.at)`
         : ''
     }
     order by 1, 3, 2`,
  );
const storeNewReadings = storing(false);
const storeReadings = storing(true);

/**
 * A PostgreSQL array literal of uuids or finite numbers, written by JSON.stringify (which writes
 * numbers about twice as fast as join; a uuid comes quoted, which PostgreSQL reads alike).
 */
const arrayLiteral = (values: Array<string | number>) => `{${JSON.stringify(values).slice(1, -1)}}`;

/**
 * The readings as the storing statement takes them: each sensor named once (`sensorIds`) and each
 * reading by its sensor's place there, from 1; grouped by sensor, in the order each first comes,
 * and in time order within; each time as milliseconds after the earliest (`since`). PostgreSQL
 * then reads a hundred uuids instead of 10,000 and short numbers instead of 13 digits, and finds
 * the rows about in the order of the readings' key.
 */
function bySensor(readings: NewReading[]) {
  const groups = new Map<string, NewReading[]>();
  for (const reading of readings) {
    let group = groups.get(reading.sensorId);
    if (!group) groups.set(reading.sensorId, (group = []));
    group.push(reading);
  }
  const sensorIds: string[] = [];
  const sensors: number[] = [];
  const times: number[] = [];
  const values: number[] = [];
  let since = Infinity;
  for (const reading of readings) since = Math.min(since, reading.at.getTime());
  for (const [sensorId, group] of groups) {
    const place = sensorIds.push(sensorId);
    if (group.some((r, i) => i > 0 && r.at.getTime() < group[i - 1]!.at.getTime())) {
      group.sort((a, b) => a.at.getTime() - b.at.getTime());
    }
    for (const reading of group) {
      sensors.push(place);
      times.push(reading.at.getTime() - since);
      values.push(reading.value);
    }
  }
  return { sensorIds, sensors, since, times, values };
}

/**
 * One statement: the readings (a reading already stored, same sensor and instant, is kept as it
 * was) and, from those stored now only, the minute and hour rollups and an alert for each one
 * outside its sensor's normal range. Returns what it stored. The readings' weeks must have their
 * partitions (prepareReadingPartitions, before the transaction).
 */
export async function insertReadings(
  em: EntityManager,
  readings: NewReading[],
): Promise<{ stored: NewReading[]; alerts: StoredAlert[] }> {
  if (!readings.length) return { stored: [], alerts: [] };
  // The rows go as array literals made here, one text each: binding them element by element
  // costs more than the statement itself. Times go as epoch milliseconds (the earliest, and the
  // others after it), which PostgreSQL reads faster than ISO text; as float8, so the sum is exact
  // and `/ 1000` keeps the milliseconds (an integer array would divide to whole seconds), and
  // to_timestamp turns them into the same instants, exact to the microsecond for any year a
  // reading may have (the duplicates' match on `at` depends on it).
  // Only the readings already stored come back, with the alerts.
  const { sensorIds, sensors, since, times, values } = bySensor(readings);
  const params = {
    since,
    sensorIds: arrayLiteral(sensorIds),
    sensors: arrayLiteral(sensors),
    times: arrayLiteral(times),
    values: arrayLiteral(values),
  };
  // Most batches hold new readings only: stored as such in a savepoint, and only if one turns out
  // to be stored already (a batch sent again, a redelivery) once more, duplicates set aside.
  let rows: StoreRow[];
  try {
    rows = await em.transactional((savepoint) => storeNewReadings(savepoint, params));
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    rows = await storeReadings(em, params);
  }
  const alerts: StoredAlert[] = [];
  const duplicates = new Set<string>();
  for (const r of rows) {
    if (r.what === 'duplicate') {
      duplicates.add(`${r.sensor_id}@${new Date(r.at).getTime()}`);
      continue;
    }
    alerts.push({
      sensorId: r.sensor_id,
      at: new Date(r.at),
      value: r.value,
      kind: r.kind!,
      normalMin: r.normal_min,
      normalMax: r.normal_max,
    });
  }
  const stored = duplicates.size
    ? readings.filter((r) => !duplicates.has(`${r.sensorId}@${r.at.getTime()}`))
    : readings;
  return { stored, alerts };
}
