// Retention of this domain's data, for the cleanup worker (`@switchyard/sessions/retention`).
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlRows } from '@switchyard/kit';

/**
 * Deletes the sessions of users who no longer exist: those the `user.deleted` event missed (this
 * subgraph was down when it was published). Walks the owners in chunks of `batch` (a loose index
 * scan over sessions_user_started_idx, one short statement per owner), asks `existing` which of
 * them are still users, and deletes the rest's sessions. Returns the sessions deleted.
 */
export async function pruneOrphanSessions(
  em: EntityManager,
  batch: number,
  existing: (userIds: string[]) => Promise<Set<string>>,
): Promise<number> {
  let deleted = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const owners = await sqlRows<{ user_id: string }>(
      em,
      `/* sessionOwners */ with recursive owner as (
         (select user_id from sessions.sessions where user_id > ?::uuid order by user_id limit 1)
         union all
         select (select s.user_id from sessions.sessions s where s.user_id > owner.user_id order by s.user_id limit 1)
         from owner where owner.user_id is not null
       )
       select user_id from owner where user_id is not null limit ?`,
      [after, batch],
    );
    if (!owners.length) return deleted;
    const ids = owners.map((o) => o.user_id);
    const alive = await existing(ids);
    const gone = ids.filter((id) => !alive.has(id));
    if (gone.length) {
      const rows = await sqlRows(
        em,
        '/* deleteOrphanSessions */ delete from sessions.sessions where user_id = any(?::uuid[]) returning 1',
        [gone],
      );
      deleted += rows.length;
    }
    if (owners.length < batch) return deleted;
    after = ids.at(-1)!;
  }
}
