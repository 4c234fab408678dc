// The catalogue: sites, equipment and sensors that admins change and readers read; codes unique
// and well formed, normal ranges that make sense, deactivated equipment keeping its history.
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
    expect(codes(await (await alone.as()).request('{ sites { code } }'))).toEqual(['UNAUTHENTICATED']);
    // A machine token for something else may not read sensor data; one with a sensors scope may.
    for (const [scope, expected] of [
      ['benchmarks:write', ['FORBIDDEN']],
      ['sensors:read', []],
      ['sensors:write', []],
    ] as const) {
      expect(codes(await (await alone.as(tokenViewer([scope]))).request('{ sites { code } }'))).toEqual(expected);
    }
    const { sites } = await user.data(
      '{ sites { code kind equipment { code location sensors { code unit normalMax } } } }',
    );
    expect(sites).toEqual([
      {
        code: 'FPSO-1',
        kind: 'VESSEL',
        equipment: [{ code: 'PUMP-1', location: 'deck 2', sensors: [{ code: 'CAT-T1', unit: '°C', normalMax: 90 }] }],
      },
    ]);
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
});
