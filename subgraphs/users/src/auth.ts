// How any subgraph confirms the tokens this domain issues. Imports only the kit, so other
// subgraphs can use it (as `@switchyard/users/auth`) without loading the users schema.
import { createHash } from 'node:crypto';
import { isUuid, type Orm, type Role, type TokenChecks } from '@switchyard/kit';

export const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * User tokens: the user still exists, no password change happened since the token was issued,
 * and the role is the current one. API tokens: the token is the one issued under its id, and
 * not revoked. One primary-key lookup each.
 */
export function tokenChecks(orm: Orm): TokenChecks {
  const sql = <T>(query: string, params: unknown[]) => orm.em.fork().getConnection().execute<T[]>(query, params);
  return {
    userToken: async (userId, sessionVersion) => {
      if (!isUuid(userId)) return null;
      const rows = await sql<{ role: Role }>(
        '/* userTokenCheck */ select role from users.users where id = ? and session_version = ?',
        [userId, sessionVersion],
      );
      return rows[0]?.role ?? null;
    },
    apiToken: async (id, token) => {
      if (!isUuid(id)) return false;
      const rows = await sql(
        '/* apiTokenActive */ select 1 from users.api_tokens where id = ? and token_hash = ? and revoked_at is null',
        [id, sha256(token)],
      );
      return rows.length > 0;
    },
  };
}
