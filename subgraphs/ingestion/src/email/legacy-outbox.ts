import type { EntityManager } from '@mikro-orm/postgresql';
import { type Orm, statement } from '@switchyard/kit';
import type { AlertMailPayload } from './alert-mail.task.js';

/** Mails still due in the outbox of versions before alert-mail jobs: taken out, whoever gets them first. */
const takeDue = statement<
  Record<never, never>,
  {
    alert_id: string;
    user_id: string;
    symbol: string;
    kind: 'HIGH' | 'LOW';
    price: number;
    threshold: number;
    triggered_at: string;
  }
>(
  `/* takeLegacyOutbox */ delete from ingestion.outbox where alert_id in (
     select alert_id from ingestion.outbox where status = 'PENDING' for update skip locked
   ) returning alert_id, user_id, symbol, kind, price, threshold, triggered_at`,
);

/**
 * An upgrade step: mail a previous version left due in ingestion.outbox becomes alert-mail jobs,
 * in one transaction (so none is lost or doubled, whichever replica starts first). What the table
 * keeps (SENT and DEAD rows) goes with the OUTBOX retention task.
 */
export async function moveLegacyOutbox(
  orm: Orm,
  enqueue: (em: EntityManager, mails: AlertMailPayload[]) => Promise<unknown>,
): Promise<void> {
  await orm.em.fork().transactional(async (em) => {
    const rows = await takeDue(em, {});
    await enqueue(
      em,
      rows.map((row) => ({
        alertId: row.alert_id,
        userId: row.user_id,
        symbol: row.symbol,
        kind: row.kind,
        price: row.price,
        threshold: row.threshold,
        triggeredAt: new Date(row.triggered_at).toISOString(),
      })),
    );
  });
}
