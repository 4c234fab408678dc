import { daysAgo, defineRetention, statement, z } from '@switchyard/kit';

const pruneReadingBatches = statement<{ before: Date; limit: number }, { '?column?': number }>(
  `/* pruneReadingBatches */ delete from ingestion.reading_batches where batch_id in (
     select batch_id from ingestion.reading_batches where created_at < :before limit :limit
   ) returning 1`,
);

/** Records of ingestReadings batches past retention (their ids may then be used again). */
export const batchesRetention = defineRetention({
  name: 'BATCHES',
  reason: 'record of a reading batch past retention',
  schedule: '23 2 * * *',
  settings: {
    /** ingestReadings batch ids are remembered (a resend answered, not stored again) this long. */
    BATCH_RETENTION_DAYS: z.coerce.number().min(0).default(7),
  },
  batch: async (em, { BATCH_RETENTION_DAYS }, limit) => {
    const rows = await pruneReadingBatches(em, { before: daysAgo(BATCH_RETENTION_DAYS), limit });
    return rows.length;
  },
});
