import type { EntityManager } from '@mikro-orm/postgresql';
import { type NewReading, readingsKeptSince, type SensorTarget, sensorsByCode } from '@switchyard/sensors/readings';
import { Instants } from './instants.js';

/** Clocks drift: a reading up to this far in the future is accepted. */
const FUTURE_SLACK_MS = 5 * 60_000;
/** Values beyond this would overflow the rollups' sums. */
const MAX_ABS_VALUE = 1e15;
const EARLIEST = Date.UTC(1970, 0, 1);

export interface IncomingReading {
  sensorCode: string;
  at: Date | string;
  value: number;
}

export interface Rejection {
  index: number;
  field: string;
  reason: string;
}

/** The instants of the readings that may be stored as far as time goes (to make their partitions). */
export function storableInstants(readings: IncomingReading[]): number[] {
  // A minute more than the check allows: the clock moves on between the two.
  const latest = Date.now() + FUTURE_SLACK_MS + 60_000;
  const instants: number[] = [];
  for (const reading of readings) {
    const at = reading.at instanceof Date ? reading.at.getTime() : Date.parse(reading.at);
    const value = reading.value as unknown;
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_ABS_VALUE) continue;
    if (at >= EARLIEST && at <= latest) instants.push(at);
  }
  return instants;
}

/**
 * Sorts readings into those to store and those refused, with why: an unknown sensor, one on
 * deactivated equipment, a value that is not a finite number, a time not a time or in the
 * future, a twin earlier in the same list. Used by ingestReadings and the MQTT stream alike.
 * With `messageOf` (the MQTT message each reading came in), a twin of a valid reading of an
 * earlier message is no fault but a duplicate (a redelivery, or sent twice): counted in `twins`.
 */
export async function checkReadings(
  em: EntityManager,
  readings: IncomingReading[],
  messageOf?: readonly number[],
): Promise<{ valid: NewReading[]; rejected: Rejection[]; twins: number; targets: Map<string, SensorTarget> }> {
  // A code PostgreSQL cannot take (a NUL, a lone surrogate) names no sensor: refused as unknown.
  const codes = new Set(readings.map((r) => r.sensorCode).filter((c) => !c.includes('\0') && c.isWellFormed()));
  const sensors = await sensorsByCode(em, [...codes]);
  const keptSince = (await readingsKeptSince(em))?.getTime() ?? EARLIEST;
  const rejected: Rejection[] = [];
  const valid: NewReading[] = [];
  /** Valid readings so far, by sensor: their instants, with the message each came in. */
  const seen = new Map<string, Instants>();
  let twins = 0;
  const latest = Date.now() + FUTURE_SLACK_MS;
  readings.forEach((reading, index) => {
    const sensor = sensors.get(reading.sensorCode);
    const at = reading.at instanceof Date ? reading.at : new Date(reading.at);
    const reject = (field: string, reason: string) => rejected.push({ index, field, reason });
    if (!sensor) return reject('sensorCode', 'is not a known sensor');
    if (!sensor.active) return reject('sensorCode', 'belongs to deactivated equipment');
    if (
      typeof reading.value !== 'number' ||
      !Number.isFinite(reading.value) ||
      Math.abs(reading.value) > MAX_ABS_VALUE
    ) {
      return reject('value', `must be a number between -${MAX_ABS_VALUE} and ${MAX_ABS_VALUE}`);
    }
    if (Number.isNaN(at.getTime()) || at.getTime() > latest) return reject('at', 'must be a time, not in the future');
    if (at.getTime() < Math.max(keptSince, EARLIEST)) return reject('at', 'is older than the readings kept');
    let instants = seen.get(sensor.id);
    if (!instants) seen.set(sensor.id, (instants = new Instants()));
    const message = messageOf?.[index] ?? 0;
    const earlier = instants.messageAt(at.getTime());
    if (earlier !== undefined && earlier !== message) return void twins++;
    if (earlier !== undefined) return reject('at', 'repeats an earlier reading of this batch');
    instants.add(at.getTime(), message);
    valid.push({ sensorId: sensor.id, at, value: reading.value });
  });
  return { valid, rejected, twins, targets: new Map([...sensors.values()].map((t) => [t.id, t])) };
}
