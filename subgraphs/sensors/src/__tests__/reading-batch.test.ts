import {
  alertColumns,
  alertsOf,
  copyColumns,
  earliest,
  groupBySensor,
  readingColumns,
  rollupColumns,
} from '../reading-batch.js';
import { weekOf } from '../partitions.js';
import type { NewReading } from '../readings.js';

/** Readings of three sensors, out of order and interleaved, over about three hours from `start`. */
function batch(start = Date.UTC(2026, 10, 30, 22)): NewReading[] {
  const readings: NewReading[] = [];
  let seed = 11;
  const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let i = 0; i < 3000; i++) {
    const sensorId = ['c', 'a', 'b'][i % 3]!;
    const at = new Date(start + Math.floor(next() * 3 * 3_600_000));
    readings.push({ sensorId, at, value: Math.round(next() * 20_000) / 100 - 50 });
  }
  return readings;
}

/** Rollups computed the plain way: every bucket of every sensor, from scratch. */
function naiveRollups(readings: NewReading[], size: number) {
  const buckets = new Map<string, { count: number; values: number[] }>();
  for (const r of readings) {
    const key = `${r.sensorId}|${Math.floor(r.at.getTime() / size) * size}`;
    const bucket = buckets.get(key) ?? { count: 0, values: [] };
    bucket.count++;
    bucket.values.push(r.value);
    buckets.set(key, bucket);
  }
  return new Map(
    [...buckets].map(([key, { count, values }]) => [
      key,
      { count, min: Math.min(...values), max: Math.max(...values), sum: values.reduce((a, b) => a + b, 0) },
    ]),
  );
}

describe('a batch of readings shaped for storing', () => {
  const readings = batch();
  const grouped = groupBySensor(readings);

  it('groups readings by sensor in the order of their ids, each in time order, none lost', () => {
    expect(grouped.sensorIds).toEqual(['a', 'b', 'c']);
    grouped.groups.forEach((group, i) => {
      expect(group.every((r) => r.sensorId === grouped.sensorIds[i])).toBe(true);
      expect(group.every((r, j) => j === 0 || group[j - 1]!.at <= r.at)).toBe(true);
    });
    expect(grouped.groups.flat().sort((a, b) => readings.indexOf(a) - readings.indexOf(b))).toEqual(readings);
    const since = earliest(grouped);
    expect(since).toBe(Math.min(...readings.map((r) => r.at.getTime())));
    const columns = readingColumns(grouped, since);
    const back = columns.sensors.map((place, i) => ({
      sensorId: grouped.sensorIds[place - 1],
      at: new Date(since + columns.times[i]!),
      value: columns.values[i],
    }));
    expect(back).toEqual(grouped.groups.flat());
  });

  it('orders the readings to store week by week, then by sensor, in time order, as COPY rows and columns alike', () => {
    // From Sunday 22:00 to Monday 01:00 UTC: two weeks, two partitions.
    const across = groupBySensor(batch(Date.UTC(2026, 10, 29, 22)));
    const since = earliest(across);
    const columns = readingColumns(across, since);
    const rows = columns.sensors.map((place, i) => ({
      sensorId: across.sensorIds[place - 1]!,
      at: new Date(since + columns.times[i]!),
      value: columns.values[i]!,
    }));
    const key = (r: NewReading) => [weekOf(r.at.getTime()), r.sensorId, r.at.getTime()] as const;
    const ordered = [...rows].sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      return x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) || x[2] - y[2];
    });
    expect(new Set(rows.map((r) => weekOf(r.at.getTime()))).size).toBe(2);
    expect(rows).toEqual(ordered);
    expect([...rows].sort((a, b) => a.at.getTime() - b.at.getTime())).toEqual(
      [...across.groups.flat()].sort((a, b) => a.at.getTime() - b.at.getTime()),
    );
    const [ids, times, values] = copyColumns(across);
    expect(ids!.values).toEqual(rows.map((r) => r.sensorId));
    expect(times!.values).toEqual(rows.map((r) => r.at.getTime()));
    expect(values!.values).toEqual(rows.map((r) => r.value));
  });

  it.each([
    ['1m', 60_000],
    ['1h', 3_600_000],
  ] as const)('rolls up %s buckets as the plain computation does', (width, size) => {
    const columns = rollupColumns(grouped, width);
    const expected = naiveRollups(readings, size);
    // In the order of their key (sensor, then start), as every batch locks them in one order.
    const keys = columns.sensors.map((place, i) => [place, columns.starts[i]!]);
    expect([...keys].sort(([a, x], [b, y]) => a! - b! || x! - y!)).toEqual(keys);
    expect(columns.sensors).toHaveLength(expected.size);
    columns.sensors.forEach((place, i) => {
      const want = expected.get(`${grouped.sensorIds[place - 1]}|${columns.starts[i]}`);
      expect(want).toBeDefined();
      expect([columns.counts[i], columns.mins[i], columns.maxes[i]]).toEqual([want!.count, want!.min, want!.max]);
      expect(columns.sums[i]).toBeCloseTo(want!.sum, 9);
    });
  });

  it('raises an alert for each reading outside its range, with the range, in time order', () => {
    const ranges = new Map([
      ['a', { normalMin: 0, normalMax: 100 }],
      ['b', { normalMin: null, normalMax: 140 }],
      ['c', { normalMin: null, normalMax: null }],
    ]);
    const alerts = alertsOf(grouped, ranges);
    const expected = readings
      .filter((r) => (r.sensorId === 'a' && (r.value < 0 || r.value > 100)) || (r.sensorId === 'b' && r.value > 140))
      .map((r) => ({
        ...r,
        kind: r.value > ranges.get(r.sensorId)!.normalMax! ? 'HIGH' : 'LOW',
        ...ranges.get(r.sensorId),
      }))
      .sort((x, y) => x.at.getTime() - y.at.getTime() || x.sensorId.localeCompare(y.sensorId));
    expect(alerts.length).toBeGreaterThan(100);
    expect(alerts).toEqual(expected);
    const columns = alertColumns(grouped, alerts, earliest(grouped));
    expect(columns.kinds).toEqual(alerts.map((a) => a.kind));
    expect(columns.sensors.map((place) => grouped.sensorIds[place - 1])).toEqual(alerts.map((a) => a.sensorId));
    expect(alertsOf(grouped, new Map())).toEqual([]);
  });
});
