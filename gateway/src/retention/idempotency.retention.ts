import { defineRetention, sqlRows } from '@switchyard/kit';

/** Idempotency keys past their expiry. */
export const idempotencyRetention = defineRetention({
  name: 'IDEMPOTENCY',
  reason: 'idempotency key past its expiry',
  schedule: '41 * * * *',
  batch: async (em, _settings, limit) => {
    const rows = await sqlRows(
      em,
      `/* pruneIdempotencyKeys */ delete from gateway.idempotency_keys where (caller, key) in (
         select caller, key from gateway.idempotency_keys where expires_at < now() limit ?
       ) returning 1`,
      [limit],
    );
    return rows.length;
  },
});
