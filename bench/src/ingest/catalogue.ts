import type { GraphQLClient } from '@switchyard/testing';

export interface BenchSensor {
  id: string;
  code: string;
}

/** Normal range of every bench sensor; about one value in a hundred falls outside it. */
export const NORMAL = { min: 0, max: 99 };

/** A site, one piece of equipment and `count` sensors, made through the gateway as an admin would. */
export async function benchCatalogue(admin: GraphQLClient, count: number): Promise<BenchSensor[]> {
  const { createSite } = await admin.data(
    'mutation { createSite(code: "BENCH", name: "bench", kind: FACTORY) { id } }',
  );
  const { createEquipment } = await admin.data(
    'mutation($s: ID!) { createEquipment(siteId: $s, code: "BENCH-E", name: "bench") { id } }',
    { s: createSite.id },
  );
  const sensors: BenchSensor[] = [];
  for (let i = 0; i < count; i++) {
    const code = `B-${String(i).padStart(4, '0')}`;
    const { createSensor } = await admin.data(
      `mutation($e: ID!, $c: String!, $min: Float, $max: Float) {
         createSensor(input: { equipmentId: $e, code: $c, kind: "t", unit: "C", normalMin: $min, normalMax: $max }) { id } }`,
      { e: createEquipment.id, c: code, min: NORMAL.min, max: NORMAL.max },
    );
    sensors.push({ id: createSensor.id, code });
  }
  return sensors;
}

export interface Reading {
  sensorCode: string;
  at: string;
  value: number;
}

/**
 * `count` readings over the sensors, one per sensor every `stepSec` seconds from `start`: row i
 * belongs to sensor i mod n. Values are a deterministic walk, about 1 % outside the normal range.
 */
export function readings(sensors: BenchSensor[], start: Date, count: number, stepSec: number): Reading[] {
  const rows: Reading[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const tick = Math.floor(i / sensors.length);
    const wave = ((i * 7919) % 10_000) / 100; // 0..99.99
    rows[i] = {
      sensorCode: sensors[i % sensors.length]!.code,
      at: new Date(start.getTime() + tick * stepSec * 1000).toISOString(),
      value: wave,
    };
  }
  return rows;
}
