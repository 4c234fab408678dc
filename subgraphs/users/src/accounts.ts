// Who exists, for other domains' reconciliation (`@switchyard/users/accounts`).
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlRows } from '@switchyard/kit';

/** Which of these ids are users now. */
export async function existingUsers(em: EntityManager, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await sqlRows<{ id: string }>(
    em,
    '/* existingUsers */ select id from users.users where id = any(?::uuid[])',
    [ids],
  );
  return new Set(rows.map((r) => r.id));
}
