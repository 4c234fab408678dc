import { createHash } from 'node:crypto';
import { BadUserInputError, ConflictError, sqlRows } from '@switchyard/kit';
import { insertReadings, type NewReading, sensorsByCode } from '@switchyard/sensors/readings';
import type { IngestionContext } from '../context.js';
import type { IngestReport, ReadingInput, RejectedReading } from './readings.types.js';

const MAX_BATCH = 10_000;
/** Clocks drift: a reading up to this far in the future is accepted. */
const FUTURE_SLACK_MS = 5 * 60_000;

/**
 * Stores a batch of readings once per batch id: in one transaction the batch is claimed, each
 * reading checked (known sensor, active equipment, a finite value, a time not in the future, no
 * twin in the batch), the valid ones inserted through the sensors domain, and the report kept.
 * The same batch id again returns that report and stores nothing; with other readings it is a
 * CONFLICT. A rejected reading is reported by index, never dropped silently.
 */
export async function ingestReadings(
  ctx: IngestionContext,
  batchId: string,
  readings: ReadingInput[],
): Promise<IngestReport> {
  if (!/^[\x21-\x7e]{1,128}$/.test(batchId)) throw new BadUserInputError('batchId', 'must be 1-128 visible characters');
  if (readings.length > MAX_BATCH) throw new BadUserInputError('readings', `must hold at most ${MAX_BATCH}`);
  const hash = createHash('sha256')
    .update(JSON.stringify(readings.map((r) => [r.sensorCode, new Date(r.at).toISOString(), r.value])))
    .digest('hex');
  return ctx.em.fork().transactional(async (em) => {
    const claimed = await sqlRows(
      em,
      `/* claimBatch */ insert into ingestion.reading_batches (batch_id, payload_hash) values (?, ?)
       on conflict do nothing returning 1`,
      [batchId, hash],
    );
    if (!claimed.length) {
      const [earlier] = await sqlRows<{ payload_hash: string; report: IngestReport }>(
        em,
        '/* earlierBatch */ select payload_hash, report from ingestion.reading_batches where batch_id = ?',
        [batchId],
      );
      if (earlier!.payload_hash !== hash) throw new ConflictError('batchId: was used for other readings', 'batchId');
      return { ...earlier!.report, replayed: true };
    }

    const sensors = await sensorsByCode(em, [...new Set(readings.map((r) => r.sensorCode))]);
    const rejected: RejectedReading[] = [];
    const valid: NewReading[] = [];
    const seen = new Set<string>();
    const latest = Date.now() + FUTURE_SLACK_MS;
    readings.forEach((reading, index) => {
      const sensor = sensors.get(reading.sensorCode);
      const at = new Date(reading.at);
      const reject = (field: string, reason: string) => rejected.push({ index, field, reason });
      if (!sensor) return reject('sensorCode', 'is not a known sensor');
      if (!sensor.active) return reject('sensorCode', 'belongs to deactivated equipment');
      if (!Number.isFinite(reading.value)) return reject('value', 'must be a finite number');
      if (Number.isNaN(at.getTime()) || at.getTime() > latest) return reject('at', 'must not be in the future');
      const key = `${sensor.id}@${at.getTime()}`;
      if (seen.has(key)) return reject('at', 'repeats an earlier reading of this batch');
      seen.add(key);
      valid.push({ sensorId: sensor.id, at, value: reading.value });
    });
    const accepted = await insertReadings(em, valid);
    const report: IngestReport = { batchId, accepted, duplicates: valid.length - accepted, rejected, replayed: false };
    await sqlRows(em, '/* batchReport */ update ingestion.reading_batches set report = ? where batch_id = ?', [
      JSON.stringify(report),
      batchId,
    ]);
    return report;
  });
}
