import { daysAgo, defineRetention, statement, z } from '@switchyard/kit';

const pruneOutbox = statement<{ before: Date; limit: number }, { '?column?': number }>(
  `/* pruneOutbox */ delete from ingestion.outbox where alert_id in (
     select alert_id from ingestion.outbox where status in ('SENT', 'DEAD') and triggered_at < :before limit :limit
   ) returning 1`,
);

/** Outbox rows of mails sent or given up past retention; mail still due is never touched. */
export const outboxRetention = defineRetention({
  name: 'OUTBOX',
  reason: 'mail sent or given up past retention',
  schedule: '27 3 * * *',
  settings: {
    /** How long mail sent or given up is kept. */
    OUTBOX_RETENTION_DAYS: z.coerce.number().min(0).default(30),
  },
  batch: async (em, { OUTBOX_RETENTION_DAYS }, limit) => {
    const rows = await pruneOutbox(em, { before: daysAgo(OUTBOX_RETENTION_DAYS), limit });
    return rows.length;
  },
});
