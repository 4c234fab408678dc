import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlRows } from '@switchyard/kit';

/** Retention: deletes up to `batch` records of reading batches taken in before `before` (their ids may be used again). */
export async function pruneReadingBatches(em: EntityManager, before: Date, batch: number): Promise<number> {
  const rows = await sqlRows(
    em,
    `/* pruneReadingBatches */ delete from ingestion.reading_batches where batch_id in (
       select batch_id from ingestion.reading_batches where created_at < ? limit ?
     ) returning 1`,
    [before, batch],
  );
  return rows.length;
}
