import { createHash } from 'node:crypto';
import { BadUserInputError, ConflictError, requireViewer, statement } from '@switchyard/kit';
import { storeReadings } from './store.js';
import type { IngestionContext } from '../context.js';
import type { IngestReport, ReadingColumns, ReadingInput } from './readings.types.js';

const MAX_BATCH = 10_000;

const claimBatch = statement<{ batchId: string; payloadHash: string }, { '?column?': number }>(
  `/* claimBatch */ insert into ingestion.reading_batches (batch_id, payload_hash) values (:batchId, :payloadHash)
   on conflict do nothing returning 1`,
);
const earlierBatch = statement<{ batchId: string }, { payload_hash: string; report: IngestReport }>(
  '/* earlierBatch */ select payload_hash, report from ingestion.reading_batches where batch_id = :batchId',
);
/** `report` is the report as JSON text (stored as jsonb). */
const batchReport = statement<{ batchId: string; report: string }, never>(
  '/* batchReport */ update ingestion.reading_batches set report = :report where batch_id = :batchId',
);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * What a batch id holds its readings to: their codes (as a JSON list, which ends where it ends),
 * then their instants and values as doubles (little-endian), hashed (`v3:...`). Numbers go by
 * their bytes: writing 20,000 of them out as text took most of the hash's time.
 */
function payloadHash(readings: ReadingInput[]): string {
  const codes = new Array<string>(readings.length);
  const numbers = Buffer.allocUnsafe(readings.length * 16);
  readings.forEach((r, i) => {
    codes[i] = r.sensorCode;
    numbers.writeDoubleLE(r.at.getTime(), i * 8);
    numbers.writeDoubleLE(r.value + 0, (readings.length + i) * 8); // -0 as 0, as JSON writes it
  });
  return `v3:${createHash('sha256').update(JSON.stringify(codes)).update(numbers).digest('hex')}`;
}

/**
 * Whether a batch sent again holds what the first one did. Batches stored with an earlier form of
 * the hash (`v2:` over the same columns as JSON, and before it a [code, ISO time, value] list;
 * both 2026-12-05) are compared in their form until they pass retention: the branches can go once
 * every deployment has run the v3 form for longer than its BATCH_RETENTION_DAYS.
 */
function samePayload(stored: string, hash: string, readings: ReadingInput[]): boolean {
  if (stored.startsWith('v3:')) return stored === hash;
  if (stored.startsWith('v2:')) {
    const columns = [
      readings.map((r) => r.sensorCode),
      readings.map((r) => r.at.getTime()),
      readings.map((r) => r.value),
    ];
    return stored === `v2:${sha256(JSON.stringify(columns))}`;
  }
  return stored === sha256(JSON.stringify(readings.map((r) => [r.sensorCode, r.at.toISOString(), r.value])));
}

/** A batch as the caller sent it: `readings` or `columns`, exactly one. */
export interface BatchInput {
  readings?: ReadingInput[] | null;
  columns?: ReadingColumns | null;
}

/** A rejected reading's field as a batch of columns names it: the list it came in. */
const COLUMN_OF: Record<string, string> = { sensorCode: 'sensorCodes', at: 'times', value: 'values' };

/** The batch's readings, in order, whichever form it came in. */
function readingsOf({ readings, columns }: BatchInput): ReadingInput[] {
  if (!readings === !columns) throw new BadUserInputError('readings', 'give readings or columns, exactly one of them');
  const [field, length] = readings ? ['readings', readings.length] : ['columns', columns!.sensorCodes.length];
  if (length > MAX_BATCH) throw new BadUserInputError(field, `must hold at most ${MAX_BATCH} readings`);
  if (readings) return readings;
  const { sensorCodes, times, values } = columns!;
  if (times.length !== length || values.length !== length) {
    throw new BadUserInputError('columns', 'sensorCodes, times and values must be lists of one length');
  }
  return sensorCodes.map((sensorCode, i) => ({ sensorCode, at: times[i]!, value: values[i]! }));
}

/**
 * Stores a batch of readings once per batch id: in one transaction the batch is claimed, each
 * reading checked (known sensor, active equipment, a finite value, a time not in the future, no
 * twin in the batch), the valid ones inserted through the sensors domain, and the report kept.
 * Its weeks' partitions are made before. The same batch id again returns that report and stores nothing; with other readings it is a
 * CONFLICT, in either form. A rejected reading is reported by index, never dropped silently.
 */
export async function ingestReadings(ctx: IngestionContext, batchId: string, batch: BatchInput): Promise<IngestReport> {
  if (!/^[\x21-\x7e]{1,128}$/.test(batchId)) throw new BadUserInputError('batchId', 'must be 1-128 visible characters');
  const readings = readingsOf(batch);
  // Batch ids are the caller's own: another caller's id is neither readable nor in the way.
  const viewer = requireViewer(ctx);
  const claim = `${viewer.kind}:${viewer.id}:${batchId}`;
  const hash = payloadHash(readings);
  return storeReadings(ctx.em, ctx.events, ctx.log, readings, undefined, async (em, store) => {
    const claimed = await claimBatch(em, { batchId: claim, payloadHash: hash });
    if (!claimed.length) {
      const [earlier] = await earlierBatch(em, { batchId: claim });
      if (!samePayload(earlier!.payload_hash, hash, readings)) {
        throw new ConflictError('batchId: was used for other readings', 'batchId');
      }
      return { ...earlier!.report, replayed: true };
    }
    const { rejected, ...counts } = await store();
    const report: IngestReport = {
      batchId,
      ...counts,
      rejected: batch.columns ? rejected.map((r) => ({ ...r, field: COLUMN_OF[r.field] ?? r.field })) : rejected,
      replayed: false,
    };
    await batchReport(em, { batchId: claim, report: JSON.stringify(report) });
    return report;
  });
}
