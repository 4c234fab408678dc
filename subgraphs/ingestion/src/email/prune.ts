import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlRows } from '@switchyard/kit';

/** Retention: deletes up to `batch` outbox rows of mails sent or given up before `before`. */
export async function pruneOutbox(em: EntityManager, before: Date, batch: number): Promise<number> {
  const rows = await sqlRows(
    em,
    `/* pruneOutbox */ delete from ingestion.outbox where alert_id in (
       select alert_id from ingestion.outbox where status in ('SENT', 'DEAD') and triggered_at < ? limit ?
     ) returning 1`,
    [before, batch],
  );
  return rows.length;
}
