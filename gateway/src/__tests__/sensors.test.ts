import { codes, TestSubscription, waitFor } from '@switchyard/testing';
import { extraGateway, loginAdmin, metricOf, newUser, statementsSoFar, useStack } from './stack.js';

const run = useStack();

const INGEST = `mutation($b: ID!, $r: [ReadingInput!]!) {
  ingestReadings(batchId: $b, readings: $r) { batchId accepted duplicates replayed rejected { index field reason } } }`;
const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 8, minute)).toISOString();

describe('sensors through the gateway', () => {
  it('keeps a catalogue of sites, equipment and sensors that admins change and signed-in callers read', async () => {
    const admin = run.client.as(await loginAdmin(run.client));
    const { createSite: site } = await admin.data(
      'mutation { createSite(code: "FPSO-1", name: "North Star", kind: VESSEL) { id code kind } }',
    );
    const { createEquipment: pump } = await admin.data(
      'mutation($s: ID!) { createEquipment(siteId: $s, code: "PUMP-1", name: "Export pump", location: "deck 2") { id active } }',
      { s: site.id },
    );
    await admin.data(
      'mutation($e: ID!) { createSensor(input: { equipmentId: $e, code: "CAT-T1", kind: "temperature", unit: "°C", normalMin: 10, normalMax: 90 }) { id } }',
      { e: pump.id },
    );

    const dup = await admin.request('mutation { createSite(code: "FPSO-1", name: "Again", kind: VESSEL) { id } }');
    expect(codes(dup)).toEqual(['CONFLICT']);
    const bad = await admin.request('mutation { createSite(code: "has spaces", name: "x", kind: FACTORY) { id } }');
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    const range = await admin.request(
      'mutation($e: ID!) { createSensor(input: { equipmentId: $e, code: "CAT-X", kind: "t", unit: "K", normalMin: 5, normalMax: 1 }) { id } }',
      { e: pump.id },
    );
    expect(codes(range)).toEqual(['BAD_USER_INPUT']);

    const user = await newUser(run.client);
    const forbidden = await run.client
      .as(user.token)
      .request('mutation { createSite(code: "X", name: "x", kind: FACTORY) { id } }');
    expect(codes(forbidden)).toEqual(['FORBIDDEN']);
    expect(codes(await run.client.request('{ sites { code } }'))).toEqual(['UNAUTHENTICATED']);
    // A machine token for something else may not read sensor data; one with a sensors scope may.
    for (const [scope, expected] of [
      ['benchmarks:write', ['FORBIDDEN']],
      ['sensors:read', []],
    ] as const) {
      const { createApiToken } = await admin.data(
        'mutation($s: String!) { createApiToken(name: "m", scopes: [$s]) { token } }',
        {
          s: scope,
        },
      );
      expect(codes(await run.client.as(createApiToken.token).request('{ sites { code } }'))).toEqual(expected);
    }
    const { sites } = await run.client
      .as(user.token)
      .data('{ sites { code kind equipment { code location sensors { code unit normalMax } } } }');
    expect(sites).toEqual([
      {
        code: 'FPSO-1',
        kind: 'VESSEL',
        equipment: [{ code: 'PUMP-1', location: 'deck 2', sensors: [{ code: 'CAT-T1', unit: '°C', normalMax: 90 }] }],
      },
    ]);
  });

  it('ingests batches once per batch id, reports every rejected reading, and serves them newest first', async () => {
    const adminToken = await loginAdmin(run.client);
    const admin = run.client.as(adminToken);
    const { createSite: site } = await admin.data(
      'mutation { createSite(code: "PLANT-A", name: "Plant A", kind: FACTORY) { id } }',
    );
    const { createEquipment: press } = await admin.data(
      'mutation($s: ID!) { createEquipment(siteId: $s, code: "PRESS-1", name: "Press") { id } }',
      { s: site.id },
    );
    const sensorIds: string[] = [];
    for (const code of ['PA-P1', 'PA-V1']) {
      const { createSensor } = await admin.data(
        'mutation($e: ID!, $c: String!) { createSensor(input: { equipmentId: $e, code: $c, kind: "pressure", unit: "bar" }) { id } }',
        { e: press.id, c: code },
      );
      sensorIds.push(createSensor.id);
    }
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

    const SENSOR = `query($id: ID!, $after: String) { sensor(id: $id) { code latest { at value }
      readings(first: 2, after: $after) { nodes { at value } pageInfo { hasNextPage endCursor } } } }`;
    const first = (await run.client.as(user.token).data(SENSOR, { id: sensorIds[0] })).sensor;
    expect(first.latest).toEqual({ at: at(3), value: 2.5 });
    expect(first.readings.nodes).toEqual([
      { at: at(3), value: 2.5 },
      { at: at(2), value: 2 },
    ]);
    const rest = (
      await run.client.as(user.token).data(SENSOR, { id: sensorIds[0], after: first.readings.pageInfo.endCursor })
    ).sensor.readings;
    expect(rest.nodes).toEqual([
      { at: at(1), value: 1.75 },
      { at: at(0), value: 1.5 },
    ]);
    expect(rest.pageInfo.hasNextPage).toBe(false);

    // Deactivated equipment keeps its readings and takes no new ones.
    await admin.data('mutation($ids: [ID!]!) { deactivateEquipment(ids: $ids) { active } }', { ids: [press.id] });
    const late = await platform.data(INGEST, { b: 'batch-3', r: [{ sensorCode: 'PA-V1', at: at(9), value: 1 }] });
    expect(late.ingestReadings.rejected).toEqual([
      { index: 0, field: 'sensorCode', reason: 'belongs to deactivated equipment' },
    ]);
  });

  it('serves series from rollups that count each stored reading once, and outlive the raw readings', async () => {
    const token = await loginAdmin(run.client);
    const admin = run.client.as(token);
    const { createSite: site } = await admin.data(
      'mutation { createSite(code: "RIG-S", name: "Rig", kind: VESSEL) { id } }',
    );
    const { createEquipment: eq } = await admin.data(
      'mutation($s: ID!) { createEquipment(siteId: $s, code: "RIG-S-E", name: "Engine") { id } }',
      { s: site.id },
    );
    const { createSensor: sensor } = await admin.data(
      'mutation($e: ID!) { createSensor(input: { equipmentId: $e, code: "RIG-S-T", kind: "t", unit: "C" }) { id } }',
      { e: eq.id },
    );
    // Every 10 minutes for three hours, long past raw retention: 08:00 (value 0) to 10:50 (value 17).
    const readings = Array.from({ length: 18 }, (_, i) => ({
      sensorCode: 'RIG-S-T',
      at: new Date(Date.UTC(2026, 0, 5, 8, i * 10)).toISOString(),
      value: i * (i % 2 ? -1 : 1),
    }));
    await admin.data(INGEST, { b: 'series-1', r: readings.slice(0, 10) });
    await admin.data(INGEST, { b: 'series-1', r: readings.slice(0, 10) }); // replayed: nothing new
    await admin.data(INGEST, { b: 'series-2', r: readings.slice(8) }); // two already stored

    /** What the buckets must hold, worked out here from the readings themselves. */
    const expected = (widthMin: number) => {
      const buckets = new Map<number, number[]>();
      for (const r of readings) {
        const start = Math.floor(Date.parse(r.at) / (widthMin * 60_000)) * widthMin * 60_000;
        buckets.set(start, [...(buckets.get(start) ?? []), r.value]);
      }
      return [...buckets].map(([start, values]) => ({
        start: new Date(start).toISOString(),
        count: values.length,
        avg: values.reduce((a, b) => a + b, 0) / values.length,
        min: Math.min(...values),
        max: Math.max(...values),
      }));
    };
    const SERIES = `query($id: ID!, $b: String!) { sensor(id: $id) {
      series(from: "2026-01-05T00:00:00Z", to: "2026-01-06T00:00:00Z", bucket: $b) { start count avg min max } } }`;
    const series = async (b: string) => (await admin.data(SERIES, { id: sensor.id, b })).sensor.series;
    for (const [bucket, minutes] of [
      ['1h', 60],
      ['30m', 30],
      ['1d', 1440],
    ] as const) {
      expect(await series(bucket)).toEqual(expected(minutes));
    }
    expect(codes(await admin.request(SERIES, { id: sensor.id, b: '1s' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await admin.request(SERIES, { id: sensor.id, b: '0h' }))).toEqual(['BAD_USER_INPUT']);
    const year =
      'query($id: ID!) { sensor(id: $id) { series(from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z", bucket: "1m") { count } } }';
    expect(codes(await admin.request(year, { id: sensor.id }))).toEqual(['BAD_USER_INPUT']);

    // Raw readings past retention go; the series stays as it was.
    const { runCleanup } = await admin.data('mutation { runCleanup(job: READINGS) { deleted { count } } }');
    expect(runCleanup.deleted[0].count).toBeGreaterThanOrEqual(18);
    const raw = await admin.data('query($id: ID!) { sensor(id: $id) { readings { nodes { at } } } }', {
      id: sensor.id,
    });
    expect(raw.sensor.readings.nodes).toEqual([]);
    expect(await series('1h')).toEqual(expected(60));
    // Sent again after the raw readings went: refused, or the rollups would count them twice.
    const late = (await admin.data(INGEST, { b: 'series-3', r: readings.slice(0, 2) })).ingestReadings;
    expect(late.rejected.map((r: { reason: string }) => r.reason)).toEqual([
      'is older than the readings kept',
      'is older than the readings kept',
    ]);
    expect(await series('1h')).toEqual(expected(60));
    // Only buckets wholly inside the range: up to 09:30 is the 08:00 hour alone.
    const part = await admin.data(
      'query($id: ID!) { sensor(id: $id) { series(from: "2026-01-05T08:00:00Z", to: "2026-01-05T09:30:00Z", bucket: "1h") { start count } } }',
      { id: sensor.id },
    );
    expect(part.sensor.series).toEqual([{ start: '2026-01-05T08:00:00.000Z', count: 6 }]);

    // The BI view says the same, by codes.
    const bi = await run.sql.query(
      `select hour, count::int, avg, min, max from sensors.bi_readings_hourly
       where site_code = 'RIG-S' and sensor_code = 'RIG-S-T' order by hour`,
    );
    expect(bi.rows.map((r) => ({ ...r, start: r.hour.toISOString(), hour: undefined }))).toEqual(
      expected(60).map((p) => ({ ...p, hour: undefined })),
    );
  });

  it('streams readings as they are stored, and alerts outside the normal range of one site, through the gateway', async () => {
    const token = await loginAdmin(run.client);
    const admin = run.client.as(token);
    const ids: Record<string, string> = {};
    const sites: string[] = [];
    for (const site of ['LIVE-A', 'LIVE-B']) {
      const { createSite } = await admin.data(
        'mutation($c: String!) { createSite(code: $c, name: "x", kind: FACTORY) { id } }',
        {
          c: site,
        },
      );
      sites.push(createSite.id);
      const { createEquipment } = await admin.data(
        'mutation($s: ID!, $c: String!) { createEquipment(siteId: $s, code: $c, name: "x") { id } }',
        { s: createSite.id, c: `${site}-E` },
      );
      const { createSensor } = await admin.data(
        'mutation($e: ID!, $c: String!) { createSensor(input: { equipmentId: $e, code: $c, kind: "t", unit: "C", normalMin: 0, normalMax: 100 }) { id } }',
        { e: createEquipment.id, c: `${site}-T` },
      );
      ids[site] = createSensor.id;
    }
    const user = await newUser(run.client);
    const tail = new TestSubscription(
      run.gateway.url,
      'subscription($ids: [ID!]!) { readings(sensorIds: $ids) { value sensor { code unit } } }',
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
      expect(batches.map((b) => b.data!.readings)).toEqual([
        [
          { value: 50, sensor: { code: 'LIVE-A-T', unit: 'C' } },
          { value: 150, sensor: { code: 'LIVE-A-T', unit: 'C' } },
        ],
        [{ value: -1, sensor: { code: 'LIVE-A-T', unit: 'C' } }],
      ]);
      const raised = await alerts.take(2);
      expect(raised.map((r) => r.data!.sensorAlert)).toEqual([
        { kind: 'HIGH', value: 150, normalMax: 100, sensor: { code: 'LIVE-A-T', equipment: { code: 'LIVE-A-E' } } },
        { kind: 'LOW', value: -1, normalMax: 100, sensor: { code: 'LIVE-A-T', equipment: { code: 'LIVE-A-E' } } },
      ]);
      await anonymous.untilEnded();
      expect(anonymous.results[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

      // Stored too, with the range of the time: newest first, per site, a page at a time.
      const STORED = `query($s: ID, $after: String) { sensorAlerts(siteId: $s, first: 1, after: $after) {
        nodes { kind value sensor { code } } pageInfo { endCursor hasNextPage } } }`;
      const asUser = run.client.as(user.token);
      const first = (await asUser.data(STORED, { s: sites[0] })).sensorAlerts;
      expect(first.nodes).toEqual([{ kind: 'LOW', value: -1, sensor: { code: 'LIVE-A-T' } }]);
      const second = (await asUser.data(STORED, { s: sites[0], after: first.pageInfo.endCursor })).sensorAlerts;
      expect(second).toMatchObject({
        nodes: [{ kind: 'HIGH', value: 150, sensor: { code: 'LIVE-A-T' } }],
        pageInfo: { hasNextPage: false },
      });
      const other = (await asUser.data(STORED, { s: sites[1] })).sensorAlerts.nodes;
      expect(other).toEqual([{ kind: 'LOW', value: -5, sensor: { code: 'LIVE-B-T' } }]);

      // Nothing more came meanwhile (the replay was not announced again): the next thing each
      // subscriber gets is what is sent now, events on one channel arriving in order.
      await send('live-3', [{ sensorCode: 'LIVE-A-T', at: now(4), value: 500 }]);
      expect((await tail.take(3))[2]!.data!.readings).toEqual([
        { value: 500, sensor: { code: 'LIVE-A-T', unit: 'C' } },
      ]);
      expect((await alerts.take(3))[2]!.data!.sensorAlert).toMatchObject({ kind: 'HIGH', value: 500 });
    } finally {
      await Promise.all([tail.close(), alerts.close(), anonymous.close()]);
    }
  });

  it('takes analytics results from the data-science system and serves them per equipment', async () => {
    const admin = run.client.as(await loginAdmin(run.client));
    const { createSite: site } = await admin.data(
      'mutation { createSite(code: "DS-1", name: "x", kind: FACTORY) { id } }',
    );
    await admin.data('mutation($s: ID!) { createEquipment(siteId: $s, code: "DS-1-E", name: "Turbine") { id } }', {
      s: site.id,
    });
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

    const { site: read } = await admin.data(
      `query($s: ID!) { site(id: $s) { equipment { analytics(kind: ANOMALY_SCORE, from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z") { at value model } } } }`,
      { s: site.id },
    );
    expect(read.equipment[0].analytics).toEqual([
      { at: at(0), value: 0.1, model: 'iforest-v2' },
      { at: at(1), value: 0.7, model: 'iforest-v2' },
      { at: at(2), value: 0.3, model: 'iforest-v2' },
    ]);
    const user = await newUser(run.client);
    expect(codes(await run.client.as(user.token).request(INGEST_RESULTS, { r: [] }))).toEqual(['FORBIDDEN']);
  });

  it('resolves sites down to each sensor’s latest reading, readings, series and analytics in a bounded number of statements', async () => {
    // A gateway that lets a tree this costly through: what is counted here is the subgraph's work.
    const roomy = await extraGateway(run.stack, run, { MAX_COST: '10000000' });
    const admin = roomy.client.as(await loginAdmin(run.client));
    const TREE = `{ sites { code equipment { code
      analytics(kind: ANOMALY_SCORE, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { value }
      sensors { code latest { value } readings(first: 2) { nodes { value } }
        series(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", bucket: "1d") { count } } } } }`;
    await admin.data(TREE);
    const before = await statementsSoFar(run.sensors);
    await admin.data(TREE);
    const few = (await statementsSoFar(run.sensors)) - before;

    const { createSite: site } = await admin.data(
      'mutation { createSite(code: "MORE", name: "More", kind: FACTORY) { id } }',
    );
    for (let e = 0; e < 3; e++) {
      const { createEquipment: eq } = await admin.data(
        'mutation($s: ID!, $c: String!) { createEquipment(siteId: $s, code: $c, name: "x") { id } }',
        { s: site.id, c: `MORE-E${e}` },
      );
      for (let s = 0; s < 3; s++) {
        await admin.data(
          'mutation($e: ID!, $c: String!) { createSensor(input: { equipmentId: $e, code: $c, kind: "k", unit: "u" }) { id } }',
          { e: eq.id, c: `MORE-E${e}-S${s}` },
        );
      }
    }
    const start = await statementsSoFar(run.sensors);
    await admin.data(TREE);
    expect((await statementsSoFar(run.sensors)) - start).toBe(few);
  });
});
