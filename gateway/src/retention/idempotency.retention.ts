import { defineRetention, statement } from '@switchyard/kit';

const pruneIdempotencyKeys = statement<{ limit: number }>(
  `/* pruneIdempotencyKeys */ delete from gateway.idempotency_keys where (caller, key) in (
     select caller, key from gateway.idempotency_keys where expires_at < now() limit :limit
   ) returning 1`,
);

/** Idempotency keys past their expiry. */
export const idempotencyRetention = defineRetention({
  name: 'IDEMPOTENCY',
  reason: 'idempotency key past its expiry',
  schedule: '41 * * * *',
  batch: async (em, _settings, limit) => (await pruneIdempotencyKeys(em, { limit })).length,
});
