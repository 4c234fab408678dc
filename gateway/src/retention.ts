// Retention of the gateway's data, for the cleanup worker (`@switchyard/gateway/retention`).
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlRows } from '@switchyard/kit';

/** Deletes up to `batch` idempotency keys past their expiry. */
export async function pruneIdempotencyKeys(em: EntityManager, batch: number): Promise<number> {
  const rows = await sqlRows(
    em,
    `/* pruneIdempotencyKeys */ delete from gateway.idempotency_keys where (caller, key) in (
       select caller, key from gateway.idempotency_keys where expires_at < now() limit ?
     ) returning 1`,
    [batch],
  );
  return rows.length;
}
