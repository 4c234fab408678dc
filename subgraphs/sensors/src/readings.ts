// The sensors domain's way in for ingestion (`@switchyard/sensors/readings`): only the kit and SQL.
import type { EntityManager } from '@mikro-orm/postgresql';
import { columnsOf, sqlRows } from '@switchyard/kit';

export interface SensorTarget {
  id: string;
  active: boolean;
}

/** Sensors by code, with whether their equipment still takes readings. */
export async function sensorsByCode(em: EntityManager, codes: string[]): Promise<Map<string, SensorTarget>> {
  if (!codes.length) return new Map();
  const rows = await sqlRows<{ code: string; id: string; active: boolean }>(
    em,
    `/* sensorsByCode */ select s.code, s.id, e.active from sensors.sensors s
     join sensors.equipment e on e.id = s.equipment_id where s.code = any(?::text[])`,
    [codes],
  );
  return new Map(rows.map((r) => [r.code, { id: r.id, active: r.active }]));
}

export interface NewReading {
  sensorId: string;
  at: Date;
  value: number;
}

/** One multi-row insert; a reading already stored (same sensor and instant) is kept as it was. Returns those stored now. */
export async function insertReadings(em: EntityManager, readings: NewReading[]): Promise<number> {
  if (!readings.length) return 0;
  const rows = await sqlRows(
    em,
    `/* insertReadings */ insert into sensors.readings (sensor_id, at, value)
     select * from unnest(?::uuid[], ?::timestamptz[], ?::float8[]) on conflict do nothing returning 1`,
    columnsOf(readings, ['sensorId', 'at', 'value']),
  );
  return rows.length;
}
