import { isUuid, type Orm, type Role, type UserTokenCheck } from '@switchyard/kit';

/**
 * The check every subgraph gives its `Auth` for sign-in tokens: the user still exists, no
 * password change happened since the token was issued, and the role is the current one.
 */
export function userTokenCheck(orm: Orm): UserTokenCheck {
  return async (userId, sessionVersion) => {
    if (!isUuid(userId)) return null;
    const rows = await orm.em
      .fork()
      .getConnection()
      .execute<Array<{ role: Role }>>(
        '/* userTokenCheck */ select role from users.users where id = ? and session_version = ?',
        [userId, sessionVersion],
      );
    return rows[0]?.role ?? null;
  };
}
