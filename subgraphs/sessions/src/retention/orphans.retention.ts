import { defineRetention, statement } from '@switchyard/kit';

/** The next `limit` owners of sessions after `after` (a loose index scan), and whether each is gone from users. */
const sessionOwners = statement<{ after: string; limit: number }, { user_id: string; gone: boolean }>(
  `/* sessionOwners */ with recursive owner as (
     (select user_id from sessions.sessions where user_id > :after::uuid order by user_id limit 1)
     union all
     select (select s.user_id from sessions.sessions s where s.user_id > owner.user_id order by s.user_id limit 1)
     from owner where owner.user_id is not null
   )
   select user_id, not exists (select 1 from users.users u where u.id = owner.user_id) as gone
   from owner where user_id is not null limit :limit`,
);

const deleteOrphanSessions = statement<{ userIds: string[] }, { deleted: number }>(
  '/* deleteOrphanSessions */ delete from sessions.sessions where user_id = any(:userIds::uuid[]) returning 1 as deleted',
);

/**
 * Sessions of users who no longer exist: those the `user.deleted` event missed (this subgraph was
 * down when it was published, without NATS or for longer than its retention). Walks the owners in chunks (a loose index scan over
 * sessions_user_started_idx, one short statement per owner) and deletes the sessions of those
 * users' table no longer holds. The one read of another domain's table, for what an event missed;
 * it needs users' tables in the same database.
 */
export const orphansRetention = defineRetention({
  name: 'ORPHANS',
  reason: 'session of a deleted user',
  schedule: '53 4 * * *',
  batch: async (em, _settings, limit) => {
    let deleted = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const owners = await sessionOwners(em, { after, limit });
      const gone = owners.filter((o) => o.gone).map((o) => o.user_id);
      if (gone.length) {
        const rows = await deleteOrphanSessions(em, { userIds: gone });
        deleted += rows.length;
      }
      // One pass over every owner (a second, when this one deleted `limit` or more, finds none).
      if (owners.length < limit) return deleted;
      after = owners.at(-1)!.user_id;
    }
  },
});
