import { pruneOrphanSessions } from '@switchyard/sessions/retention';
import { existingUsers } from '@switchyard/users/accounts';
import type { CleanupJob } from './job.js';

/** What `user.deleted` missed while sessions was down: one full pass over the session owners. */
export const orphansJob: CleanupJob = {
  name: 'ORPHANS',
  reason: 'session of a deleted user',
  schedule: '53 4 * * *',
  batch: (em, env) => pruneOrphanSessions(em, env.CLEANUP_BATCH, (ids) => existingUsers(em, ids)),
};
