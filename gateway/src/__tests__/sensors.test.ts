// What sensors does with other services: readings and analytics that ingestion writes into its
// tables (API tokens and their scopes, batches taken once), the cleanup worker's retention of raw
// readings against late ones, and live readings and alerts through the gateway. The sensors
// subgraph's own rules are tested beside it (subgraphs/sensors/src/__tests__), with sensors alone.
import { createHash } from 'node:crypto';
import {
  ANOMALY_SCORES,
  at,
  createCatalogue,
  expectedBuckets,
  SERIES,
  seriesReadings,
} from '@switchyard/sensors/__tests__/fixtures';
import { createEventBus } from '@switchyard/kit';
import { readingsStored } from '@switchyard/sensors/events';
import { codes, TestSubscription, waitFor } from '@switchyard/testing';
import { loginAdmin, metricOf, newUser, useStack } from './stack.js';

const run = useStack();

const INGEST = `mutation($b: ID!, $r: [ReadingInput!]!) {
  ingestReadings(batchId: $b, readings: $r) { batchId accepted duplicates replayed rejected { index field reason } } }`;

describe('sensors with the other subgraphs, through the gateway', () => {
  it('ingests batches once per batch id, reports every rejected reading, and stores them for sensors to serve', async () => {
    const adminToken = await loginAdmin(run.client);
    const admin = run.client.as(adminToken);
    const { equipment, sensors } = await createCatalogue(admin, 'PLANT-A', { 'PRESS-1': ['PA-P1', 'PA-V1'] });
    const sensorIds = Object.values(sensors);
    const { createApiToken } = await admin.data(
      'mutation { createApiToken(name: "platform", scopes: ["sensors:write"]) { token } }',
    );
    const platform = run.client.as(createApiToken.token);

    const batch = [
      { sensorCode: 'PA-P1', at: at(0), value: 1.5 },
      { sensorCode: 'PA-P1', at: at(1), value: 1.75 },
      { sensorCode: 'NOPE', at: at(1), value: 3 },
      { sensorCode: 'PA-V1', at: at(0), value: 0.25 },
      { sensorCode: 'PA-P1', at: at(1), value: 9 },
      { sensorCode: 'PA-V1', at: new Date(Date.now() + 3_600_000).toISOString(), value: 1 },
      { sensorCode: 'PA-P1', at: at(2), value: 2 },
    ];
    const { ingestReadings: report } = await platform.data(INGEST, { b: 'batch-1', r: batch });
    expect(report).toEqual({
      batchId: 'batch-1',
      accepted: 4,
      duplicates: 0,
      replayed: false,
      rejected: [
        { index: 2, field: 'sensorCode', reason: 'is not a known sensor' },
        { index: 4, field: 'at', reason: 'repeats an earlier reading of this batch' },
        { index: 5, field: 'at', reason: 'must be a time, not in the future' },
      ],
    });

    // Sent again: the first report, nothing stored twice; other readings under that id: refused.
    const again = (await platform.data(INGEST, { b: 'batch-1', r: batch })).ingestReadings;
    expect(again).toEqual({ ...report, replayed: true });
    expect(codes(await platform.request(INGEST, { b: 'batch-1', r: batch.slice(1) }))).toEqual(['CONFLICT']);
    // A batch stored while its hash had an earlier form (v2:, and before it none) is still known
    // for what it held.
    const claimed = await run.sql.query(
      "select payload_hash from ingestion.reading_batches where batch_id like 'token:%:batch-1'",
    );
    expect(claimed.rows).toEqual([{ payload_hash: expect.stringMatching(/^v3:[0-9a-f]{64}$/) }]);
    const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
    const earlierForms = [
      `v2:${sha256([batch.map((r) => r.sensorCode), batch.map((r) => Date.parse(r.at)), batch.map((r) => r.value)])}`,
      sha256(batch.map((r) => [r.sensorCode, new Date(r.at).toISOString(), r.value])),
    ];
    for (const earlierForm of earlierForms) {
      const { rowCount } = await run.sql.query(
        "update ingestion.reading_batches set payload_hash = $1 where batch_id like 'token:%:batch-1'",
        [earlierForm],
      );
      expect(rowCount).toBe(1);
      expect((await platform.data(INGEST, { b: 'batch-1', r: batch })).ingestReadings).toEqual(again);
      expect(codes(await platform.request(INGEST, { b: 'batch-1', r: batch.slice(1) }))).toEqual(['CONFLICT']);
    }
    // Batch ids are each caller's own: the admin's batch-1 is another batch.
    const mine = (await admin.data(INGEST, { b: 'batch-1', r: [{ sensorCode: 'PA-V1', at: at(5), value: 0.5 }] }))
      .ingestReadings;
    expect(mine).toMatchObject({ accepted: 1, replayed: false });
    const overlap = await platform.data(INGEST, {
      b: 'batch-2',
      r: [
        { sensorCode: 'PA-P1', at: at(2), value: 2 },
        { sensorCode: 'PA-P1', at: at(3), value: 2.5 },
      ],
    });
    expect(overlap.ingestReadings).toMatchObject({ accepted: 1, duplicates: 1, rejected: [] });
    const stored = await run.sql.query(
      'select count(*)::int as n from sensors.readings where sensor_id = any($1::uuid[])',
      [sensorIds],
    );
    expect(stored.rows[0].n).toBe(6);

    const user = await newUser(run.client);
    expect(codes(await run.client.as(user.token).request(INGEST, { b: 'x', r: [] }))).toEqual(['FORBIDDEN']);
    expect(codes(await run.client.request(INGEST, { b: 'x', r: [] }))).toEqual(['UNAUTHENTICATED']);

    // Sensors serves what ingestion stored (its paging is tested with sensors alone).
    const { sensor } = await run.client
      .as(user.token)
      .data('query($id: ID!) { sensor(id: $id) { latest { at value } } }', { id: sensors['PA-P1'] });
    expect(sensor.latest).toEqual({ at: at(3), value: 2.5 });

    // Deactivated equipment keeps its readings and takes no new ones.
    await admin.data('mutation($ids: [ID!]!) { deactivateEquipment(ids: $ids) { active } }', {
      ids: [equipment['PRESS-1']],
    });
    const late = await platform.data(INGEST, { b: 'batch-3', r: [{ sensorCode: 'PA-V1', at: at(9), value: 1 }] });
    expect(late.ingestReadings.rejected).toEqual([
      { index: 0, field: 'sensorCode', reason: 'belongs to deactivated equipment' },
    ]);
  });

  it('takes a batch as columns: the same checks, rejects named by position and list, and the same batch as its objects', async () => {
    const admin = run.client.as(await loginAdmin(run.client));
    const { sensors } = await createCatalogue(admin, 'PLANT-C', { 'PRESS-C': ['PC-P1', 'PC-V1'] });
    const INGEST_COLUMNS = `mutation($b: ID!, $c: ReadingColumns!) {
      ingestReadings(batchId: $b, columns: $c) { batchId accepted duplicates replayed rejected { index field reason } } }`;
    const batch = [
      { sensorCode: 'PC-P1', at: at(0), value: 1.5 },
      { sensorCode: 'NOPE', at: at(0), value: 3 },
      { sensorCode: 'PC-V1', at: at(0), value: 0.25 },
      { sensorCode: 'PC-V1', at: at(0), value: 7 },
      { sensorCode: 'PC-P1', at: at(1), value: 2 },
    ];
    const columns = {
      sensorCodes: batch.map((r) => r.sensorCode),
      times: batch.map((r) => r.at),
      values: batch.map((r) => r.value),
    };
    const { ingestReadings: report } = await admin.data(INGEST_COLUMNS, { b: 'columns-1', c: columns });
    expect(report).toEqual({
      batchId: 'columns-1',
      accepted: 3,
      duplicates: 0,
      replayed: false,
      rejected: [
        { index: 1, field: 'sensorCodes', reason: 'is not a known sensor' },
        { index: 3, field: 'times', reason: 'repeats an earlier reading of this batch' },
      ],
    });
    const stored = await run.sql.query(
      'select s.code, r.at, r.value from sensors.readings r join sensors.sensors s on s.id = r.sensor_id where r.sensor_id = any($1::uuid[]) order by s.code, r.at',
      [Object.values(sensors)],
    );
    expect(stored.rows.map((r) => [r.code, r.at.toISOString(), r.value])).toEqual([
      ['PC-P1', at(0), 1.5],
      ['PC-P1', at(1), 2],
      ['PC-V1', at(0), 0.25],
    ]);
    // The same readings as objects under that id are that batch again; other readings, a conflict.
    expect((await admin.data(INGEST, { b: 'columns-1', r: batch })).ingestReadings).toEqual({
      ...report,
      replayed: true,
    });
    const other = { ...columns, values: [...columns.values.slice(0, -1), 3] };
    expect(codes(await admin.request(INGEST_COLUMNS, { b: 'columns-1', c: other }))).toEqual(['CONFLICT']);

    // Both forms, neither, lists of different lengths, too many, a time that is none: refused whole.
    const both = await admin.request(
      'mutation($r: [ReadingInput!], $c: ReadingColumns) { ingestReadings(batchId: "columns-2", readings: $r, columns: $c) { accepted } }',
      { r: batch, c: columns },
    );
    expect(both.errors?.[0]).toMatchObject({
      message: 'readings: give readings or columns, exactly one of them',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(codes(await admin.request('mutation { ingestReadings(batchId: "columns-2") { accepted } }'))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const ragged = await admin.request(INGEST_COLUMNS, {
      b: 'columns-2',
      c: { ...columns, times: columns.times.slice(1) },
    });
    expect(ragged.errors?.[0]).toMatchObject({
      message: 'columns: sensorCodes, times and values must be lists of one length',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const many = Array.from({ length: 10_001 }, (_, i) => i);
    const tooMany = await admin.request(INGEST_COLUMNS, {
      b: 'columns-2',
      c: { sensorCodes: many.map(() => 'PC-P1'), times: many.map((i) => at(i)), values: many },
    });
    expect(tooMany.errors?.[0]).toMatchObject({
      message: 'columns: must hold at most 10000 readings',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const notATime = { ...columns, times: [...columns.times.slice(0, -1), '2026-02-30T00:00:00Z'] };
    expect(codes(await admin.request(INGEST_COLUMNS, { b: 'columns-2', c: notATime }))).toEqual(['BAD_USER_INPUT']);
    const after = await run.sql.query(
      'select count(*)::int as n from sensors.readings where sensor_id = any($1::uuid[])',
      [Object.values(sensors)],
    );
    expect(after.rows[0].n).toBe(3);
  });

  it('counts each ingested reading once in the series, and refuses readings older than those the cleanup kept', async () => {
    const admin = run.client.as(await loginAdmin(run.client));
    const { sensors } = await createCatalogue(admin, 'RIG-S', { 'RIG-S-E': ['RIG-S-T'] });
    const readings = seriesReadings('RIG-S-T');
    await admin.data(INGEST, { b: 'series-1', r: readings.slice(0, 10) });
    await admin.data(INGEST, { b: 'series-1', r: readings.slice(0, 10) }); // replayed: nothing new
    await admin.data(INGEST, { b: 'series-2', r: readings.slice(8) }); // two already stored
    const series = async () => (await admin.data(SERIES, { id: sensors['RIG-S-T'], b: '1h' })).sensor.series;
    expect(await series()).toEqual(expectedBuckets(readings, 60));

    // Raw readings past retention go; the series stays as it was.
    const { runCleanup } = await admin.data('mutation { runCleanup(job: READINGS) { deleted { count } } }');
    expect(runCleanup.deleted[0].count).toBeGreaterThanOrEqual(18);
    const raw = await admin.data('query($id: ID!) { sensor(id: $id) { readings { nodes { at } } } }', {
      id: sensors['RIG-S-T'],
    });
    expect(raw.sensor.readings.nodes).toEqual([]);
    expect(await series()).toEqual(expectedBuckets(readings, 60));
    // Sent again after the raw readings went: refused, or the rollups would count them twice.
    const late = (await admin.data(INGEST, { b: 'series-3', r: readings.slice(0, 2) })).ingestReadings;
    expect(late.rejected.map((r: { reason: string }) => r.reason)).toEqual([
      'is older than the readings kept',
      'is older than the readings kept',
    ]);
    expect(await series()).toEqual(expectedBuckets(readings, 60));
  });

  it('streams readings as they are stored, and alerts outside the normal range of one site, through the gateway', async () => {
    const token = await loginAdmin(run.client);
    const admin = run.client.as(token);
    const ids: Record<string, string> = {};
    const sites: string[] = [];
    for (const site of ['LIVE-A', 'LIVE-B']) {
      const made = await createCatalogue(
        admin,
        site,
        { [`${site}-E`]: [`${site}-T`] },
        { normalMin: 0, normalMax: 100 },
      );
      sites.push(made.siteId);
      ids[site] = made.sensors[`${site}-T`]!;
    }
    const user = await newUser(run.client);
    const tail = new TestSubscription(
      run.gateway.url,
      'subscription($ids: [ID!]!) { readings(sensorIds: $ids) { at value sensor { code unit } } }',
      { ids: [ids['LIVE-A']] },
      user.token,
    );
    const alerts = new TestSubscription(
      run.gateway.url,
      'subscription($s: ID) { sensorAlert(siteId: $s) { kind value normalMax sensor { code equipment { code } } } }',
      { s: sites[0] },
      user.token,
    );
    const anonymous = new TestSubscription(run.gateway.url, 'subscription { sensorAlert { value } }');
    try {
      await waitFor(async () => (await metricOf(run.sensors, 'graphql_subscriptions_active')) === 2, 30_000, 'live');
      const base = Date.now() - 60_000;
      const now = (s: number) => new Date(base + s * 1000).toISOString();
      const send = (b: string, r: unknown[]) => admin.data(INGEST, { b, r });
      await send('live-1', [
        { sensorCode: 'LIVE-A-T', at: now(1), value: 50 },
        { sensorCode: 'LIVE-A-T', at: now(2), value: 150 },
        { sensorCode: 'LIVE-B-T', at: now(1), value: -5 },
      ]);
      await send('live-1', [
        { sensorCode: 'LIVE-A-T', at: now(1), value: 50 },
        { sensorCode: 'LIVE-A-T', at: now(2), value: 150 },
        { sensorCode: 'LIVE-B-T', at: now(1), value: -5 },
      ]); // replayed: announced once
      await send('live-2', [{ sensorCode: 'LIVE-A-T', at: now(3), value: -1 }]);

      const batches = await tail.take(2);
      const liveA = { code: 'LIVE-A-T', unit: 'C' };
      expect(batches.map((b) => b.data!.readings)).toEqual([
        [
          { at: now(1), value: 50, sensor: liveA },
          { at: now(2), value: 150, sensor: liveA },
        ],
        [{ at: now(3), value: -1, sensor: liveA }],
      ]);
      const raised = await alerts.take(2);
      expect(raised.map((r) => r.data!.sensorAlert)).toEqual([
        { kind: 'HIGH', value: 150, normalMax: 100, sensor: { code: 'LIVE-A-T', equipment: { code: 'LIVE-A-E' } } },
        { kind: 'LOW', value: -1, normalMax: 100, sensor: { code: 'LIVE-A-T', equipment: { code: 'LIVE-A-E' } } },
      ]);
      await anonymous.untilEnded();
      expect(anonymous.results[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

      // Nothing more came meanwhile (the replay was not announced again): the next thing each
      // subscriber gets is what is sent now, events on one channel arriving in order.
      await send('live-3', [{ sensorCode: 'LIVE-A-T', at: now(4), value: 500 }]);
      expect((await tail.take(3))[2]!.data!.readings).toEqual([{ at: now(4), value: 500, sensor: liveA }]);
      expect((await alerts.take(3))[2]!.data!.sensorAlert).toMatchObject({ kind: 'HIGH', value: 500 });
      // An event in the form an ingestion of an earlier release publishes (instants since the
      // epoch) is served alike.
      const bus = await createEventBus({ databaseUrl: run.db });
      try {
        await bus.publish(readingsStored, {
          sensors: [{ sensorId: ids['LIVE-A']!, at: [Date.parse(now(6)), Date.parse(now(5))], value: [7, 6] }],
        });
      } finally {
        await bus.close();
      }
      expect((await tail.take(4))[3]!.data!.readings).toEqual([
        { at: now(5), value: 6, sensor: liveA },
        { at: now(6), value: 7, sensor: liveA },
      ]);
    } finally {
      await Promise.all([tail.close(), alerts.close(), anonymous.close()]);
    }
  });

  it('takes analytics results from the data-science system with its token, for sensors to serve per equipment', async () => {
    const admin = run.client.as(await loginAdmin(run.client));
    const { siteId } = await createCatalogue(admin, 'DS-1', { 'DS-1-E': [] });
    const { createApiToken } = await admin.data(
      'mutation { createApiToken(name: "ds", scopes: ["analytics:write"]) { token } }',
    );
    const ds = run.client.as(createApiToken.token);
    const INGEST_RESULTS = `mutation($r: [AnalyticsInput!]!) { ingestAnalytics(results: $r) {
      inserted replaced rejected { index field reason } } }`;
    const result = (minute: number, value: number, extra = {}) => ({
      equipmentCode: 'DS-1-E',
      kind: 'ANOMALY_SCORE',
      model: 'iforest-v2',
      at: at(minute),
      value,
      ...extra,
    });
    const first = await ds.data(INGEST_RESULTS, {
      r: [
        result(0, 0.1),
        result(1, 0.9),
        result(1, 0.5),
        result(2, 0.2, { equipmentCode: 'NOPE' }),
        result(3, 1, { kind: 'GUESS' }),
      ],
    });
    expect(first.ingestAnalytics).toEqual({
      inserted: 2,
      replaced: 0,
      rejected: [
        { index: 2, field: 'at', reason: 'repeats an earlier result of this list' },
        { index: 3, field: 'equipmentCode', reason: 'is not known equipment' },
        { index: 4, field: 'kind', reason: 'must be one of ANOMALY_SCORE, FORECAST' },
      ],
    });
    // The model runs again over one instant: its value is replaced, not doubled.
    const again = await ds.data(INGEST_RESULTS, { r: [result(1, 0.7), result(2, 0.3)] });
    expect(again.ingestAnalytics).toEqual({ inserted: 1, replaced: 1, rejected: [] });

    // Sensors serves what ingestion wrote.
    const { site: read } = await admin.data(ANOMALY_SCORES, { s: siteId });
    expect(read.equipment.nodes[0].analytics).toEqual([
      { at: at(0), value: 0.1, model: 'iforest-v2' },
      { at: at(1), value: 0.7, model: 'iforest-v2' },
      { at: at(2), value: 0.3, model: 'iforest-v2' },
    ]);
    const user = await newUser(run.client);
    expect(codes(await run.client.as(user.token).request(INGEST_RESULTS, { r: [] }))).toEqual(['FORBIDDEN']);
  });
});
