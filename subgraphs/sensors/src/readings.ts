// The sensors domain's way in for ingestion (`@switchyard/sensors/readings`): only the kit and SQL.
import type { EntityManager } from '@mikro-orm/postgresql';
import { copyRows, statement } from '@switchyard/kit';
import {
  alertColumns,
  alertsOf,
  copyColumns,
  earliest,
  groupBySensor,
  type NormalRange,
  readingColumns,
  ROLLUP_WIDTHS,
  rollupColumns,
  type SensorGroups,
} from './reading-batch.js';

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

/** Named once per statement: the batch's sensors, each reading naming its sensor by place (from 1). */
const NAMED = 'with named as (select :sensorIds::uuid[] as ids)';
const SENSOR = '(select ids from named)[n]';

/** The readings, from their columns (readingColumns), in the order given (inStoringOrder). */
const READINGS = `insert into sensors.readings (sensor_id, at, value)
     select ${SENSOR}, to_timestamp((:since::float8 + ms) / 1000), value
     from unnest(:sensors::int4[], :times::float8[], :values::float8[]) with ordinality as i (n, ms, value, o)
     order by o`;

/**
 * Rollups of one width from their columns (rollupColumns), added to what the buckets hold; in the
 * order of their key, as every batch takes their locks in one order (two concurrent batches of the
 * same buckets, each in another order, would deadlock).
 */
const rollups = (width: keyof typeof ROLLUP_WIDTHS) => {
  const p = `r${width}`;
  return `insert into sensors.rollups as r (sensor_id, width, bucket_start, count, sum, min, max)
     select ${SENSOR}, '${width}', to_timestamp(b / 1000), c, s, lo, hi
     from unnest(:${p}Sensors::int4[], :${p}Starts::float8[], :${p}Counts::int4[], :${p}Sums::float8[],
       :${p}Mins::float8[], :${p}Maxes::float8[]) as a (n, b, c, s, lo, hi)
     order by 1, 3
     on conflict (sensor_id, width, bucket_start) do update set count = r.count + excluded.count,
       sum = r.sum + excluded.sum, min = least(r.min, excluded.min), max = greatest(r.max, excluded.max)`;
};

/** Alerts from their columns (alertColumns). */
const ALERTS = `insert into sensors.alerts (sensor_id, at, value, kind, normal_min, normal_max)
     select ${SENSOR}, to_timestamp((:since::float8 + ms) / 1000), value, kind, lo, hi
     from unnest(:alertSensors::int4[], :alertTimes::float8[], :alertValues::float8[], :alertKinds::text[],
       :alertMins::float8[], :alertMaxes::float8[]) as a (n, ms, value, kind, lo, hi)
     order by 1, 2
     on conflict do nothing`;

const SUMMARIES = `minutes as (${rollups('1m')}), hours as (${rollups('1h')}), alerts as (${ALERTS})`;

type ReadingParams = { since: number; sensorIds: string; sensors: string; times: string; values: string };
type SummaryParams = { sensorIds: string; since: number } & Record<string, string | number>;

/** Readings of which some may be stored: those are left as they were; returns those stored now. */
const storeSomeReadings = statement<ReadingParams, { sensor_id: string; at: Date }>(
  `/* insertReadings */ ${NAMED} ${READINGS} on conflict do nothing returning sensor_id, at`,
);
/** The rollups and alerts of readings stored by storeSomeReadings. */
const storeSummaries = statement<SummaryParams, { '?column?': number }>(
  `/* insertSummaries */ ${NAMED}, ${SUMMARIES} select 1`,
);
const normalRanges = statement<{ ids: string[] }, NormalRange & { id: string }>(
  `/* normalRanges */ select id, normal_min as "normalMin", normal_max as "normalMax"
   from sensors.sensors where id = any(:ids::uuid[])`,
);

/**
 * A PostgreSQL array literal of uuids, finite numbers or nulls, written by JSON.stringify (which
 * writes numbers about twice as fast as join; a uuid comes quoted, which PostgreSQL reads alike).
 */
const arrayLiteral = (values: ReadonlyArray<string | number | null>) => `{${JSON.stringify(values).slice(1, -1)}}`;

/** Each column of `columns` as an array literal, named `prefix` + Name. */
const literals = (prefix: string, columns: Record<string, ReadonlyArray<string | number | null>>) =>
  Object.fromEntries(
    Object.entries(columns).map(([name, values]) => [
      `${prefix}${name[0]!.toUpperCase()}${name.slice(1)}`,
      arrayLiteral(values),
    ]),
  );

function summaryParams(batch: SensorGroups, alerts: StoredAlert[], since: number): SummaryParams {
  return {
    sensorIds: arrayLiteral(batch.sensorIds),
    since,
    ...literals('r1m', rollupColumns(batch, '1m')),
    ...literals('r1h', rollupColumns(batch, '1h')),
    ...literals('alert', alertColumns(batch, alerts, since)),
  };
}

/**
 * Stores readings: a reading already stored (same sensor and instant) is kept as it was, and the
 * minute and hour rollups and an alert for each reading outside its sensor's normal range are
 * made from those stored now only. Returns what it stored. The readings' weeks must have their
 * partitions (prepareReadingPartitions, before the transaction).
 */
export async function insertReadings(
  em: EntityManager,
  readings: NewReading[],
  /** The sensors' normal ranges by id where the caller has read them already (sensorsByCode). */
  known?: ReadonlyMap<string, NormalRange>,
): Promise<{ stored: NewReading[]; alerts: StoredAlert[] }> {
  if (!readings.length) return { stored: [], alerts: [] };
  // Rollups and alerts are computed here from the batch, grouped by sensor and in time order:
  // PostgreSQL finds the rows in the order of their keys, and neither sums 10,000 of them twice
  // nor joins them to their sensors. New readings go by binary COPY (nothing for PostgreSQL to
  // parse, heap pages filled many rows at a time). A batch with readings stored before goes as
  // array literals made here, one text each (binding them element by element costs more than the
  // statement), times as epoch milliseconds after the earliest: as float8, so the sum is exact and
  // `/ 1000` keeps the milliseconds, and to_timestamp gives the same instants, exact to the
  // microsecond for any year a reading may have (the duplicates' match on `at` depends on it).
  const batch = groupBySensor(readings);
  const since = earliest(batch);
  const ranges =
    known ?? new Map((await normalRanges(em, { ids: batch.sensorIds })).map(({ id, ...range }) => [id, range]));
  // Most batches hold new readings only: copied in a savepoint (binary COPY, in the order of
  // their key), then their rollups and alerts. A reading stored before fails the COPY (23505).
  try {
    const alerts = alertsOf(batch, ranges);
    await em.transactional(async (savepoint) => {
      await copyRows(savepoint, 'sensors.readings (sensor_id, at, value)', copyColumns(batch));
      // Then alerts, then rollups (as the path below): every path takes its locks in one order.
      await storeSummaries(savepoint, summaryParams(batch, alerts, since));
    });
    return { stored: readings, alerts };
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
  }
  // Some were stored before (a batch sent again, a redelivery): the others are stored and summed.
  const { sensors, times, values } = readingColumns(batch, since);
  const readingParams: ReadingParams = {
    since,
    sensorIds: arrayLiteral(batch.sensorIds),
    sensors: arrayLiteral(sensors),
    times: arrayLiteral(times),
    values: arrayLiteral(values),
  };
  const kept = new Set(
    (await storeSomeReadings(em, readingParams)).map((r) => `${r.sensor_id}@${new Date(r.at).getTime()}`),
  );
  const stored = readings.filter((r) => kept.has(`${r.sensorId}@${r.at.getTime()}`));
  if (!stored.length) return { stored, alerts: [] };
  const storedBatch = groupBySensor(stored);
  const alerts = alertsOf(storedBatch, ranges);
  await storeSummaries(em, summaryParams(storedBatch, alerts, earliest(storedBatch)));
  return { stored, alerts };
}
