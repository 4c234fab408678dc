// The catalogue: sites, equipment and sensors that admins change and readers read, a page at a
// time by code; codes unique and well formed, normal ranges that make sense, deactivated
// equipment keeping its history.
import { encodeCursor } from '@switchyard/kit';
import { codes } from '@switchyard/testing';
import { sensorsByCode } from '../readings.js';
import { newReadings, tokenViewer, useSensors } from './alone.js';
import { at, createCatalogue } from './fixtures.js';

const sensors = useSensors();

describe('the catalogue', () => {
  it('keeps sites, equipment and sensors that admins change and signed-in callers read', async () => {
    const { admin, alone } = sensors;
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

    const user = await sensors.user();
    const forbidden = await user.request('mutation { createSite(code: "X", name: "x", kind: FACTORY) { id } }');
    expect(codes(forbidden)).toEqual(['FORBIDDEN']);
    expect(codes(await (await alone.as()).request('{ sites { nodes { code } } }'))).toEqual(['UNAUTHENTICATED']);
    // A machine token for something else may not read sensor data; one with a sensors scope may.
    for (const [scope, expected] of [
      ['benchmarks:write', ['FORBIDDEN']],
      ['sensors:read', []],
      ['sensors:write', []],
    ] as const) {
      expect(codes(await (await alone.as(tokenViewer([scope]))).request('{ sites { nodes { code } } }'))).toEqual(
        expected,
      );
    }
    const { sites } = await user.data(
      '{ sites { nodes { code kind equipment { nodes { code location sensors { nodes { code unit normalMax } } } } } } }',
    );
    expect(sites.nodes).toEqual([
      {
        code: 'FPSO-1',
        kind: 'VESSEL',
        equipment: {
          nodes: [
            { code: 'PUMP-1', location: 'deck 2', sensors: { nodes: [{ code: 'CAT-T1', unit: '°C', normalMax: 90 }] } },
          ],
        },
      },
    ]);
  });

  it('finds sensors by code for readers, in the order asked, null for an unknown code', async () => {
    const { admin, alone } = sensors;
    const made = await createCatalogue(admin, 'BYCODE', { 'BYCODE-E': ['BYCODE-1', 'BYCODE-2'] });
    const query = 'query($c: [String!]!) { sensorsByCode(codes: $c) { id code equipment { code } } }';
    const feed = await alone.as(tokenViewer(['sensors:write']));
    const { sensorsByCode } = await feed.data(query, { c: ['BYCODE-2', 'NOBODY', 'BYCODE-1'] });
    expect(sensorsByCode).toEqual([
      { id: made.sensors['BYCODE-2'], code: 'BYCODE-2', equipment: { code: 'BYCODE-E' } },
      null,
      { id: made.sensors['BYCODE-1'], code: 'BYCODE-1', equipment: { code: 'BYCODE-E' } },
    ]);
    const tooMany = await feed.request(query, { c: Array.from({ length: 101 }, (_, i) => `C${i}`) });
    expect(codes(tooMany)).toEqual(['BAD_USER_INPUT']);
    expect(
      codes(await (await alone.as(tokenViewer(['benchmarks:write']))).request(query, { c: ['BYCODE-1'] })),
    ).toEqual(['FORBIDDEN']);
  });

  it('deactivates equipment, which keeps its readings and is known to ingestion as taking no more', async () => {
    const { admin } = sensors;
    const press = await createCatalogue(admin, 'PLANT-D', { 'PRESS-D': ['PD-P1'] });
    await sensors.store(newReadings(press.sensors, [{ sensorCode: 'PD-P1', at: at(0), value: 1 }]));
    expect((await sensorsByCode(sensors.orm.em.fork(), ['PD-P1'])).get('PD-P1')).toMatchObject({ active: true });

    const { deactivateEquipment } = await admin.data(
      'mutation($ids: [ID!]!) { deactivateEquipment(ids: $ids) { code active } }',
      { ids: [press.equipment['PRESS-D']] },
    );
    expect(deactivateEquipment).toEqual([{ code: 'PRESS-D', active: false }]);
    // What ingestion asks before storing a reading: the sensor, on equipment that takes none now.
    const known = await sensorsByCode(sensors.orm.em.fork(), ['PD-P1', 'NOPE']);
    expect([...known.keys()]).toEqual(['PD-P1']);
    expect(known.get('PD-P1')).toEqual({
      id: press.sensors['PD-P1'],
      active: false,
      siteId: press.siteId,
      normalMin: null,
      normalMax: null,
    });
    const user = await sensors.user();
    const { sensor } = await user.data(
      'query($id: ID!) { sensor(id: $id) { equipment { active } readings { nodes { at value } } } }',
      { id: press.sensors['PD-P1'] },
    );
    expect(sensor).toEqual({ equipment: { active: false }, readings: { nodes: [{ at: at(0), value: 1 }] } });
    const DEACTIVATE = 'mutation($ids: [ID!]!) { deactivateEquipment(ids: $ids) { id } }';
    expect(codes(await user.request(DEACTIVATE, { ids: [press.equipment['PRESS-D']] }))).toEqual(['FORBIDDEN']);
    expect(codes(await admin.request(DEACTIVATE, { ids: ['not-an-id'] }))).toEqual(['NOT_FOUND']);
  });

  it('pages sites, equipment and sensors by code, each parent its own page, with cursors from the list itself', async () => {
    const { admin } = sensors;
    const user = await sensors.user();
    // Eleven pieces of equipment: a page more than the default of 10.
    const equipment = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`PG-E${String(i).padStart(2, '0')}`, [] as string[]]),
    );
    equipment['PG-E00'] = ['PG-S3', 'PG-S1', 'PG-S2'];
    equipment['PG-E01'] = ['PG-S4'];
    const made = await createCatalogue(admin, 'PG-SITE', equipment);
    await createCatalogue(admin, 'PG-SITE2', {});

    const EQUIPMENT = `query($s: ID!, $n: Int, $after: String) { site(id: $s) { equipment(first: $n, after: $after) {
      nodes { code } pageInfo { endCursor hasNextPage } } } }`;
    const page = async (variables: Record<string, unknown>) =>
      (await user.data(EQUIPMENT, { s: made.siteId, ...variables })).site.equipment;
    const all = Object.keys(equipment);
    const byDefault = await page({});
    expect(byDefault.nodes.map((e: { code: string }) => e.code)).toEqual(all.slice(0, 10));
    expect(byDefault.pageInfo).toEqual({ endCursor: encodeCursor(['PG-E09']), hasNextPage: true });
    const rest = await page({ after: byDefault.pageInfo.endCursor });
    expect(rest).toEqual({
      nodes: [{ code: 'PG-E10' }],
      pageInfo: { endCursor: encodeCursor(['PG-E10']), hasNextPage: false },
    });
    const firstFour = await page({ n: 4 });
    expect(firstFour.nodes.map((e: { code: string }) => e.code)).toEqual(all.slice(0, 4));
    expect((await page({ n: 100, after: firstFour.pageInfo.endCursor })).nodes).toHaveLength(7);
    expect(await page({ n: 5, after: rest.pageInfo.endCursor })).toEqual({
      nodes: [],
      pageInfo: { endCursor: null, hasNextPage: false },
    });

    // Each piece of equipment gets its own page of sensors, all of them from one statement.
    const { site } = await user.data(
      `query($s: ID!) { site(id: $s) { equipment(first: 3) { nodes { code
        sensors(first: 2) { nodes { code } pageInfo { endCursor hasNextPage } } } } } }`,
      { s: made.siteId },
    );
    expect(site.equipment.nodes).toEqual([
      {
        code: 'PG-E00',
        sensors: {
          nodes: [{ code: 'PG-S1' }, { code: 'PG-S2' }],
          pageInfo: { endCursor: encodeCursor(['PG-S2']), hasNextPage: true },
        },
      },
      {
        code: 'PG-E01',
        sensors: { nodes: [{ code: 'PG-S4' }], pageInfo: { endCursor: encodeCursor(['PG-S4']), hasNextPage: false } },
      },
      { code: 'PG-E02', sensors: { nodes: [], pageInfo: { endCursor: null, hasNextPage: false } } },
    ]);
    const { sensor } = await user.data(
      'query($id: ID!, $after: String) { sensor(id: $id) { equipment { sensors(first: 2, after: $after) { nodes { code } pageInfo { hasNextPage } } } } }',
      { id: made.sensors['PG-S1'], after: encodeCursor(['PG-S2']) },
    );
    expect(sensor.equipment.sensors).toEqual({ nodes: [{ code: 'PG-S3' }], pageInfo: { hasNextPage: false } });

    // Sites page the same way: walked a page of two at a time, they are the whole list by code.
    const SITES = `query($n: Int, $after: String) { sites(first: $n, after: $after) {
      nodes { code } pageInfo { endCursor hasNextPage } } }`;
    const walked: string[] = [];
    let after: string | null = null;
    do {
      const { sites } = await user.data(SITES, { n: 2, after });
      expect(sites.nodes.length).toBeLessThanOrEqual(2);
      walked.push(...sites.nodes.map((s: { code: string }) => s.code));
      expect(sites.pageInfo.endCursor).toBe(sites.nodes.length ? encodeCursor([walked.at(-1)!]) : null);
      after = sites.pageInfo.hasNextPage ? sites.pageInfo.endCursor : null;
    } while (after);
    const { sites: whole } = await user.data(SITES, { n: 100 });
    expect(walked).toEqual(whole.nodes.map((s: { code: string }) => s.code));
    expect(walked).toEqual([...walked].sort());
    expect(walked).toEqual(expect.arrayContaining(['PG-SITE', 'PG-SITE2']));
    expect(whole.pageInfo.hasNextPage).toBe(false);
    const afterFirst = await user.data(SITES, { n: 1, after: encodeCursor(['PG-SITE']) });
    expect(afterFirst.sites.nodes).toEqual([{ code: 'PG-SITE2' }]);
  });

  it('refuses a cursor not from a list by code, and a page size outside 1..100, as BAD_USER_INPUT', async () => {
    const user = await sensors.user();
    const made = await createCatalogue(sensors.admin, 'BAD-PAGE', { 'BAD-PAGE-E': ['BAD-PAGE-S'] });
    const nested = (args: string) =>
      user.request(`query($s: ID!) { site(id: $s) { equipment { nodes { sensors${args} { nodes { code } } } } } }`, {
        s: made.siteId,
      });
    for (const cursor of ['nonsense', encodeCursor([5]), encodeCursor(['a', 'b'])]) {
      expect(
        codes(await user.request('query($c: String) { sites(after: $c) { nodes { code } } }', { c: cursor })),
      ).toEqual(['BAD_USER_INPUT']);
      expect(codes(await nested(`(after: "${cursor}")`))).toEqual(['BAD_USER_INPUT']);
    }
    for (const first of [0, -1, 101]) {
      expect(codes(await user.request(`{ sites(first: ${first}) { nodes { code } } }`))).toEqual(['BAD_USER_INPUT']);
      const result = await user.request(
        `query($s: ID!) { site(id: $s) { code equipment(first: ${first}) { nodes { code } } } }`,
        { s: made.siteId },
      );
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toMatch(/first/);
      expect(codes(await nested(`(first: ${first})`))).toEqual(['BAD_USER_INPUT']);
    }
    // The largest page is fine, and an explicit null is the default.
    expect((await nested('(first: 100)')).errors).toBeUndefined();
    const { sites } = await user.data('{ sites(first: null) { nodes { code } } }');
    expect(sites.nodes.length).toBeGreaterThan(0);
  });
});
