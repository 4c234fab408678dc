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
  const oldest = Math.max(keptSince, EARLIEST);
  readings.forEach((reading, index) => {
    const sensor = sensors.get(reading.sensorCode);
    const at = reading.at instanceof Date ? reading.at : new Date(reading.at);
    if (!sensor) return void rejected.push({ index, ...REFUSED.unknown });
    const refused = refusal(sensor, reading.value, at.getTime(), latest, oldest);
    if (refused) return void rejected.push({ index, ...refused });
    let instants = seen.get(sensor.id);
    if (!instants) seen.set(sensor.id, (instants = new Instants()));
    const message = messageOf?.[index] ?? 0;
    const earlier = instants.messageAt(at.getTime());
    if (earlier !== undefined && earlier !== message) return void twins++;
    if (earlier !== undefined) return void rejected.push({ index, ...REFUSED.twin });
    instants.add(at.getTime(), message);
    valid.push({ sensorId: sensor.id, at, value: reading.value });
  });
  return { valid, rejected, twins, targets: new Map([...sensors.values()].map((t) => [t.id, t])) };
}

const REFUSED = {
  unknown: { field: 'sensorCode', reason: 'is not a known sensor' },
  inactive: { field: 'sensorCode', reason: 'belongs to deactivated equipment' },
  value: { field: 'value', reason: `must be a number between -${MAX_ABS_VALUE} and ${MAX_ABS_VALUE}` },
  time: { field: 'at', reason: 'must be a time, not in the future' },
  old: { field: 'at', reason: 'is older than the readings kept' },
  twin: { field: 'at', reason: 'repeats an earlier reading of this batch' },
} as const;

/** Why a reading of a known sensor cannot be stored, its twins aside, if it cannot. */
function refusal(
  sensor: SensorTarget,
  value: unknown,
  time: number,
  latest: number,
  oldest: number,
): { field: string; reason: string } | undefined {
  if (!sensor.active) return REFUSED.inactive;
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_ABS_VALUE) return REFUSED.value;
  if (Number.isNaN(time) || time > latest) return REFUSED.time;
  if (time < oldest) return REFUSED.old;
  return undefined;
}
