// Series from the minute and hour rollups: each stored reading counted once, buckets of a width
// asked for, only buckets wholly inside the range, the same figures in the BI view, and all of it
// still there once the raw readings are past retention.
import { runRetention } from '@switchyard/kit';
import { codes } from '@switchyard/testing';
import { readingPartitions, WEEK_MS, weekOf } from '../partitions.js';
import { readingsKeptSince } from '../readings.js';
import { readingsRetention } from '../retention/readings.retention.js';
import { newReadings, useSensors } from './alone.js';
import { createCatalogue, expectedBuckets, SERIES, seriesReadings } from './fixtures.js';

const sensors = useSensors();

it('serves series from rollups that count each stored reading once, and outlive the raw readings', async () => {
  const { admin } = sensors;
  const { sensors: ids } = await createCatalogue(admin, 'RIG-S', { 'RIG-S-E': ['RIG-S-T'] });
  const readings = seriesReadings('RIG-S-T');
  const store = async (some: typeof readings) => (await sensors.store(newReadings(ids, some))).stored.length;
  expect(await store(readings.slice(0, 10))).toBe(10);
  expect(await store(readings.slice(0, 10))).toBe(0); // all stored already: nothing new
  expect(await store(readings.slice(8))).toBe(8); // two stored already

  const expected = (widthMin: number) => expectedBuckets(readings, widthMin);
  const series = async (b: string) => (await admin.data(SERIES, { id: ids['RIG-S-T'], b })).sensor.series;
  for (const [bucket, minutes] of [
    ['1h', 60],
    ['1m', 1],
    ['30m', 30],
    ['1d', 1440],
  ] as const) {
    expect(await series(bucket)).toEqual(expected(minutes));
  }
  expect(codes(await admin.request(SERIES, { id: ids['RIG-S-T'], b: '1s' }))).toEqual(['BAD_USER_INPUT']);
  expect(codes(await admin.request(SERIES, { id: ids['RIG-S-T'], b: '0h' }))).toEqual(['BAD_USER_INPUT']);
  const year =
    'query($id: ID!) { sensor(id: $id) { series(from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z", bucket: "1m") { count } } }';
  expect(codes(await admin.request(year, { id: ids['RIG-S-T'] }))).toEqual(['BAD_USER_INPUT']);

  // Raw readings past retention go (the task run as the cleanup worker runs it): their week's
  // partition is dropped whole, the coming weeks' are made; the series stays as it was.
  const em = sensors.orm.em.fork();
  expect(await readingsKeptSince(em)).toBeNull();
  const batches: number[] = [];
  expect(await runRetention(readingsRetention, em, { READING_RETENTION_DAYS: 30 }, 10, (n) => batches.push(n))).toBe(
    18,
  );
  expect(batches).toEqual([18, 0]);
  const weeks = (await readingPartitions(em)).map((p) => p.from?.toISOString());
  expect(weeks).not.toContain('2026-01-05T00:00:00.000Z');
  const thisWeek = new Date(weekOf(Date.now())).toISOString();
  expect(weeks).toEqual(expect.arrayContaining([thisWeek, new Date(weekOf(Date.now()) + 4 * WEEK_MS).toISOString()]));
  const raw = await admin.data('query($id: ID!) { sensor(id: $id) { readings { nodes { at } } } }', {
    id: ids['RIG-S-T'],
  });
  expect(raw.sensor.readings.nodes).toEqual([]);
  expect(await series('1h')).toEqual(expected(60));
  // From then on, what ingestion asks says these are older than the readings kept: sent again,
  // they are refused, or the rollups would count them twice.
  expect((await readingsKeptSince(em))!.getTime()).toBeGreaterThan(Date.parse(readings.at(-1)!.at));

  // Only buckets wholly inside the range: up to 09:30 is the 08:00 hour alone.
  const part = await admin.data(
    'query($id: ID!) { sensor(id: $id) { series(from: "2026-01-05T08:00:00Z", to: "2026-01-05T09:30:00Z", bucket: "1h") { start count } } }',
    { id: ids['RIG-S-T'] },
  );
  expect(part.sensor.series).toEqual([{ start: '2026-01-05T08:00:00.000Z', count: 6 }]);

  // The BI view says the same, by codes.
  const bi = await sensors.sql.query(
    `select hour, count::int, avg, min, max from sensors.bi_readings_hourly
     where site_code = 'RIG-S' and sensor_code = 'RIG-S-T' order by hour`,
  );
  expect(bi.rows.map((r) => ({ ...r, start: r.hour.toISOString(), hour: undefined }))).toEqual(
    expected(60).map((p) => ({ ...p, hour: undefined })),
  );
});
