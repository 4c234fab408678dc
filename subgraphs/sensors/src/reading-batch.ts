// A batch of readings shaped for the storing statements: by sensor, in time order, with the
// rollups and alerts it makes computed here, so PostgreSQL writes rows, its sorts find them in
// order already, and it never sums or judges them.
import type { CopyColumn } from '@switchyard/kit';
import { weekOf } from './partitions.js';
import type { NewReading, StoredAlert } from './readings.js';

/**
 * A batch by sensor: each sensor once, in the order of their ids (as PostgreSQL orders uuids, so
 * that the rows go in the order of their keys); its readings in time order.
 */
export interface SensorGroups {
  sensorIds: string[];
  groups: NewReading[][];
}

export interface NormalRange {
  normalMin: number | null;
  normalMax: number | null;
}

export function groupBySensor(readings: readonly NewReading[]): SensorGroups {
  const bySensor = new Map<string, NewReading[]>();
  for (const reading of readings) {
    let group = bySensor.get(reading.sensorId);
    if (!group) bySensor.set(reading.sensorId, (group = []));
    group.push(reading);
  }
  for (const group of bySensor.values()) {
    if (group.some((r, i) => i > 0 && r.at.getTime() < group[i - 1]!.at.getTime())) {
      group.sort((a, b) => a.at.getTime() - b.at.getTime());
    }
  }
  const sensorIds = [...bySensor.keys()].sort();
  return { sensorIds, groups: sensorIds.map((id) => bySensor.get(id)!) };
}

/** The earliest instant of the batch, in ms: times go as milliseconds after it (short numbers). */
export function earliest({ groups }: SensorGroups): number {
  let since = Infinity;
  for (const group of groups) if (group.length) since = Math.min(since, group[0]!.at.getTime());
  return since;
}

/**
 * Calls `visit` with each reading and its sensor's place (in `sensorIds`, from 0) in the one order
 * every path stores a batch's readings in: week by week (the partitions' weeks), then by sensor,
 * in time order. Batches that share readings then wait for each other in one order and never
 * deadlock: a COPY into a partitioned table writes the rows of one partition at a time, those of
 * the partition it met first first.
 */
export function inStoringOrder({ groups }: SensorGroups, visit: (place: number, reading: NewReading) => void): void {
  let first = Infinity;
  let last = -Infinity;
  for (const group of groups) {
    if (!group.length) continue;
    first = Math.min(first, weekOf(group[0]!.at.getTime()));
    last = Math.max(last, weekOf(group.at(-1)!.at.getTime()));
  }
  if (first === last) {
    groups.forEach((group, place) => {
      for (const reading of group) visit(place, reading);
    });
    return;
  }
  // Across weeks (rare): by week, a stable sort keeping sensor and time order within each.
  const rows = groups.flatMap((group, place) =>
    group.map((reading) => ({ week: weekOf(reading.at.getTime()), place, reading })),
  );
  rows.sort((a, b) => a.week - b.week);
  for (const { place, reading } of rows) visit(place, reading);
}

/** Each reading as its sensor's place (from 1), its ms after `since`, its value; in storing order. */
export function readingColumns(batch: SensorGroups, since: number) {
  const columns = { sensors: [] as number[], times: [] as number[], values: [] as number[] };
  inStoringOrder(batch, (place, reading) => {
    columns.sensors.push(place + 1);
    columns.times.push(reading.at.getTime() - since);
    columns.values.push(reading.value);
  });
  return columns;
}

/** The readings as COPY columns (sensor id, instant, value), in storing order. */
export function copyColumns(batch: SensorGroups): CopyColumn[] {
  const ids: string[] = [];
  const times: number[] = [];
  const values: number[] = [];
  inStoringOrder(batch, (place, reading) => {
    ids.push(batch.sensorIds[place]!);
    times.push(reading.at.getTime());
    values.push(reading.value);
  });
  return [
    { type: 'uuid', values: ids },
    { type: 'timestamptz', values: times },
    { type: 'float8', values },
  ];
}

export const ROLLUP_WIDTHS = { '1m': 60_000, '1h': 3_600_000 } as const;

/**
 * The batch's rollups of one width, binned from the epoch: per sensor (its place) and bucket
 * (its start, in ms), the count, sum, min and max of the values. A sum adds the values in time
 * order, starting from the first (as PostgreSQL's sum does, in whatever order it is given them).
 */
export function rollupColumns({ groups }: SensorGroups, width: keyof typeof ROLLUP_WIDTHS) {
  const size = ROLLUP_WIDTHS[width];
  const columns = {
    sensors: [] as number[],
    starts: [] as number[],
    counts: [] as number[],
    sums: [] as number[],
    mins: [] as number[],
    maxes: [] as number[],
  };
  groups.forEach((group, i) => {
    let start = Number.NaN;
    let last = -1;
    for (const { at, value } of group) {
      const bucket = Math.floor(at.getTime() / size) * size;
      if (bucket !== start) {
        start = bucket;
        last = columns.sensors.push(i + 1) - 1;
        columns.starts.push(bucket);
        columns.counts.push(1);
        columns.sums.push(value);
        columns.mins.push(value);
        columns.maxes.push(value);
        continue;
      }
      columns.counts[last]!++;
      columns.sums[last]! += value;
      if (value < columns.mins[last]!) columns.mins[last] = value;
      if (value > columns.maxes[last]!) columns.maxes[last] = value;
    }
  });
  return columns;
}

/**
 * An alert for each reading outside its sensor's normal range (`ranges` by sensor id), with that
 * range: HIGH above the max, LOW below the min. In time order, then by sensor id.
 */
export function alertsOf({ sensorIds, groups }: SensorGroups, ranges: ReadonlyMap<string, NormalRange>): StoredAlert[] {
  const alerts: StoredAlert[] = [];
  groups.forEach((group, i) => {
    const { normalMin = null, normalMax = null } = ranges.get(sensorIds[i]!) ?? {};
    if (normalMin === null && normalMax === null) return;
    for (const reading of group) {
      const kind =
        normalMax !== null && reading.value > normalMax
          ? 'HIGH'
          : normalMin !== null && reading.value < normalMin
            ? 'LOW'
            : undefined;
      if (kind) alerts.push({ ...reading, kind, normalMin, normalMax });
    }
  });
  return alerts.sort(
    (a, b) => a.at.getTime() - b.at.getTime() || (a.sensorId < b.sensorId ? -1 : a.sensorId > b.sensorId ? 1 : 0),
  );
}

/** The alerts as columns: sensor place (in `sensorIds`), ms after `since`, value, kind, range. */
export function alertColumns({ sensorIds }: SensorGroups, alerts: readonly StoredAlert[], since: number) {
  const places = new Map(sensorIds.map((id, i) => [id, i + 1]));
  return {
    sensors: alerts.map((a) => places.get(a.sensorId)!),
    times: alerts.map((a) => a.at.getTime() - since),
    values: alerts.map((a) => a.value),
    kinds: alerts.map((a) => a.kind),
    mins: alerts.map((a) => a.normalMin),
    maxes: alerts.map((a) => a.normalMax),
  };
}
