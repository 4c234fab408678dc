// What this folder's domain tests (sensors alone) and the gateway's cross-subgraph ones share:
// a catalogue made through the API, the operations they read with, and series worked out here
// from the readings themselves.
import type { GraphQLClient } from '@switchyard/testing';

/** 2026-11-01 at 08:mm UTC, as the API writes it. */
export const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 8, minute)).toISOString();

export interface SensorFields {
  normalMin?: number;
  normalMax?: number;
}

export interface Catalogue {
  siteId: string;
  /** Ids by code. */
  equipment: Record<string, string>;
  sensors: Record<string, string>;
}

/**
 * A site `code` with its equipment and their sensors (`{ 'EQ-1': ['EQ-1-T'] }`, kind "t", unit
 * "C", normal range `fields`), created by `admin`.
 */
export async function createCatalogue(
  admin: GraphQLClient,
  code: string,
  equipment: Record<string, string[]>,
  fields: SensorFields = {},
): Promise<Catalogue> {
  const { createSite } = await admin.data(
    'mutation($c: String!) { createSite(code: $c, name: "x", kind: FACTORY) { id } }',
    { c: code },
  );
  const made: Catalogue = { siteId: createSite.id, equipment: {}, sensors: {} };
  for (const [equipmentCode, sensorCodes] of Object.entries(equipment)) {
    const { createEquipment } = await admin.data(
      'mutation($s: ID!, $c: String!) { createEquipment(siteId: $s, code: $c, name: "x") { id } }',
      { s: made.siteId, c: equipmentCode },
    );
    made.equipment[equipmentCode] = createEquipment.id;
    for (const sensorCode of sensorCodes) {
      const { createSensor } = await admin.data(
        `mutation($e: ID!, $c: String!, $min: Float, $max: Float) { createSensor(input: {
          equipmentId: $e, code: $c, kind: "t", unit: "C", normalMin: $min, normalMax: $max }) { id } }`,
        { e: createEquipment.id, c: sensorCode, min: fields.normalMin ?? null, max: fields.normalMax ?? null },
      );
      made.sensors[sensorCode] = createSensor.id;
    }
  }
  return made;
}

/** Every 10 minutes for three hours on 2026-01-05: 08:00 (value 0) to 10:50 (value 17), signs alternating. */
export const seriesReadings = (sensorCode: string) =>
  Array.from({ length: 18 }, (_, i) => ({
    sensorCode,
    at: new Date(Date.UTC(2026, 0, 5, 8, i * 10)).toISOString(),
    value: i * (i % 2 ? -1 : 1),
  }));

/** What the buckets `widthMin` minutes wide must hold, worked out here from the readings themselves. */
export function expectedBuckets(readings: Array<{ at: string; value: number }>, widthMin: number) {
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
}

/** A sensor's series over 2026-01-05 in buckets `$b`. */
export const SERIES = `query($id: ID!, $b: String!) { sensor(id: $id) {
  series(from: "2026-01-05T00:00:00Z", to: "2026-01-06T00:00:00Z", bucket: $b) { start count avg min max } } }`;

/** Anomaly scores of a site's equipment on 2026-11-01, oldest first. */
export const ANOMALY_SCORES = `query($s: ID!) { site(id: $s) { equipment { nodes {
  analytics(kind: ANOMALY_SCORE, from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z") { at value model } } } } }`;
