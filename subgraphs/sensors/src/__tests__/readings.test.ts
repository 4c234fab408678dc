// Readings as ingestion stores them (each sensor and instant once), served newest first a page at
// a time; alerts for readings outside their sensor's normal range, stored and served per site.
import { insertReadings, prepareReadingPartitions } from '../readings.js';
import { newReadings, tokenViewer, useSensors } from './alone.js';
import { at, createCatalogue } from './fixtures.js';

const sensors = useSensors();

describe('readings', () => {
  it('keeps each reading once and serves a sensor’s latest and its readings newest first, a page at a time', async () => {
    const { sensors: ids } = await createCatalogue(sensors.admin, 'PLANT-A', { 'PRESS-1': ['PA-P1', 'PA-V1'] });
    const first = await sensors.store(
      newReadings(ids, [
        { sensorCode: 'PA-P1', at: at(0), value: 1.5 },
        { sensorCode: 'PA-P1', at: at(1), value: 1.75 },
        { sensorCode: 'PA-V1', at: at(0), value: 0.25 },
        { sensorCode: 'PA-P1', at: at(2), value: 2 },
      ]),
    );
    expect(first.stored).toHaveLength(4);
    // A reading already stored (same sensor, same instant) is kept as it was; only the new one is stored.
    const overlap = await sensors.store(
      newReadings(ids, [
        { sensorCode: 'PA-P1', at: at(2), value: 9 },
        { sensorCode: 'PA-P1', at: at(3), value: 2.5 },
      ]),
    );
    expect(overlap.stored).toEqual([{ sensorId: ids['PA-P1'], at: new Date(at(3)), value: 2.5 }]);
    const stored = await sensors.sql.query(
      'select count(*)::int as n from sensors.readings where sensor_id = any($1::uuid[])',
      [Object.values(ids)],
    );
    expect(stored.rows[0].n).toBe(5);

    const SENSOR = `query($id: ID!, $after: String) { sensor(id: $id) { code latest { at value }
      readings(first: 2, after: $after) { nodes { at value } pageInfo { hasNextPage endCursor } } } }`;
    const user = await sensors.user();
    const page = (await user.data(SENSOR, { id: ids['PA-P1'] })).sensor;
    expect(page.latest).toEqual({ at: at(3), value: 2.5 });
    expect(page.readings.nodes).toEqual([
      { at: at(3), value: 2.5 },
      { at: at(2), value: 2 },
    ]);
    const rest = (await user.data(SENSOR, { id: ids['PA-P1'], after: page.readings.pageInfo.endCursor })).sensor
      .readings;
    expect(rest.nodes).toEqual([
      { at: at(1), value: 1.75 },
      { at: at(0), value: 1.5 },
    ]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    // A machine with a sensors scope reads them too.
    const machine = await sensors.alone.as(tokenViewer(['sensors:read']));
    expect((await machine.data(SENSOR, { id: ids['PA-V1'] })).sensor).toMatchObject({
      code: 'PA-V1',
      latest: { at: at(0), value: 0.25 },
      readings: { nodes: [{ at: at(0), value: 0.25 }], pageInfo: { hasNextPage: false } },
    });
  });

  it('stores instants to the millisecond, and tells those stored before from new ones', async () => {
    const { sensors: ids } = await createCatalogue(sensors.admin, 'PLANT-MS', { 'PRESS-MS': ['MS-P1'] });
    const base = Date.parse(at(10));
    const instants = [1, 123, 999, 59_999].map((ms) => new Date(base + ms));
    const readings = newReadings(
      ids,
      instants.map((instant, i) => ({ sensorCode: 'MS-P1', at: instant.toISOString(), value: i })),
    );
    expect((await sensors.store(readings.slice(0, 2))).stored).toHaveLength(2);
    // Two stored before and two new: the statement that sets duplicates aside matches the instants
    // it stored against those it was given, so a time off by a microsecond would call the new ones
    // duplicates.
    expect((await sensors.store(readings)).stored).toEqual(readings.slice(2));
    const { rows } = await sensors.sql.query(
      `select to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at from sensors.readings
       where sensor_id = $1 order by at`,
      [ids['MS-P1']],
    );
    expect(rows.map((r) => r.at)).toEqual(instants.map((instant) => instant.toISOString()));
  });

  it('stores an alert for each new reading outside its normal range, with the range of the time, newest first per site', async () => {
    const ids: Record<string, string> = {};
    const sites: string[] = [];
    for (const site of ['LIVE-A', 'LIVE-B']) {
      const made = await createCatalogue(
        sensors.admin,
        site,
        { [`${site}-E`]: [`${site}-T`] },
        {
          normalMin: 0,
          normalMax: 100,
        },
      );
      sites.push(made.siteId);
      Object.assign(ids, made.sensors);
    }
    const base = Date.now() - 60_000;
    const now = (s: number) => new Date(base + s * 1000).toISOString();
    const batch = newReadings(ids, [
      { sensorCode: 'LIVE-A-T', at: now(1), value: 50 },
      { sensorCode: 'LIVE-A-T', at: now(2), value: 150 },
      { sensorCode: 'LIVE-B-T', at: now(1), value: -5 },
    ]);
    const { alerts } = await sensors.store(batch);
    expect(alerts.map((a) => [a.kind, a.value, a.normalMin, a.normalMax])).toEqual([
      ['LOW', -5, 0, 100],
      ['HIGH', 150, 0, 100],
    ]);
    // Readings already stored raise nothing again.
    expect(await sensors.store(batch)).toEqual({ stored: [], alerts: [] });
    // One stored before and one new: only the new one raises an alert.
    const mixed = newReadings(ids, [
      { sensorCode: 'LIVE-A-T', at: now(2), value: 150 },
      { sensorCode: 'LIVE-B-T', at: now(2), value: 101 },
    ]);
    const again = await sensors.store(mixed);
    expect(again.stored).toEqual(mixed.slice(1));
    expect(again.alerts.map((a) => [a.kind, a.value, a.normalMin, a.normalMax])).toEqual([['HIGH', 101, 0, 100]]);
    await sensors.store(newReadings(ids, [{ sensorCode: 'LIVE-A-T', at: now(3), value: -1 }]));

    const STORED = `query($s: ID, $after: String) { sensorAlerts(siteId: $s, first: 1, after: $after) {
      nodes { kind value normalMin normalMax sensor { code } } pageInfo { endCursor hasNextPage } } }`;
    const user = await sensors.user();
    const first = (await user.data(STORED, { s: sites[0] })).sensorAlerts;
    expect(first.nodes).toEqual([
      { kind: 'LOW', value: -1, normalMin: 0, normalMax: 100, sensor: { code: 'LIVE-A-T' } },
    ]);
    const second = (await user.data(STORED, { s: sites[0], after: first.pageInfo.endCursor })).sensorAlerts;
    expect(second).toMatchObject({
      nodes: [{ kind: 'HIGH', value: 150, sensor: { code: 'LIVE-A-T' } }],
      pageInfo: { hasNextPage: false },
    });
    const other = (await user.data(STORED, { s: sites[1] })).sensorAlerts.nodes;
    expect(other).toEqual([{ kind: 'HIGH', value: 101, normalMin: 0, normalMax: 100, sensor: { code: 'LIVE-B-T' } }]);
  });

  it('keeps rollups exact when batches that share readings and buckets are stored at the same time', async () => {
    const { sensors: ids } = await createCatalogue(
      sensors.admin,
      'PLANT-RACE',
      { 'RACE-E': ['RACE-1', 'RACE-2', 'RACE-3', 'RACE-4'] },
      { normalMin: 10, normalMax: 90 },
    );
    const codes = Object.keys(ids);
    // Every 10 s over two hours, each sensor, from an hour before a week (a partition) begins;
    // batches of 40 minutes, each sharing half of the next.
    const base = Date.UTC(2026, 10, 1, 23);
    const all = newReadings(
      ids,
      Array.from({ length: 720 * codes.length }, (_, i) => ({
        sensorCode: codes[i % codes.length]!,
        at: new Date(base + Math.floor(i / codes.length) * 10_000).toISOString(),
        value: (i * 37) % 100,
      })),
    );
    await prepareReadingPartitions(
      sensors.orm.em.fork(),
      all.map((r) => r.at),
    );
    const window = (from: number) =>
      all.filter((r) => r.at.getTime() >= base + from * 60_000 && r.at.getTime() < base + (from + 40) * 60_000);
    // Stored as ingestion stores them: each batch in its own transaction, several at once, some
    // new, some partly stored by another; in a shuffled order of sensors within each batch.
    const batches = [0, 20, 40, 60, 80, 0, 40, 80].map((from, n) => (n % 2 ? window(from).reverse() : window(from)));
    const results = await Promise.all(
      batches.map((batch) => sensors.orm.em.fork().transactional((tx) => insertReadings(tx, batch))),
    );
    expect(results.reduce((sum, r) => sum + r.stored.length, 0)).toBe(all.length);
    expect(results.reduce((sum, r) => sum + r.alerts.length, 0)).toBe(
      all.filter((r) => r.value < 10 || r.value > 90).length,
    );
    const { rows } = await sensors.sql.query(
      `select width, sum(count)::int as count, sum(sum) as sum from sensors.rollups
       where sensor_id = any($1::uuid[]) group by width order by width`,
      [Object.values(ids)],
    );
    const total = all.reduce((sum, r) => sum + r.value, 0);
    expect(rows).toEqual([
      { width: '1h', count: all.length, sum: total },
      { width: '1m', count: all.length, sum: total },
    ]);
  });
});
