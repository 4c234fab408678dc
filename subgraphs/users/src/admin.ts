import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger, Orm } from '@switchyard/kit';
import { User } from './user/user.entity.js';
import { hashPassword } from './user/user.service.js';

/**
 * The first admin: ADMIN_EMAIL/ADMIN_PASSWORD when given (an existing account with that email
 * is promoted, its password kept). In development with neither, one is made with a random
 * password that is printed once. Production never gets a default password.
 */
export async function ensureAdmin(
  orm: Orm,
  env: { ADMIN_EMAIL?: string; ADMIN_PASSWORD?: string; NODE_ENV: string },
  logger: Logger,
): Promise<void> {
  const em = orm.em.fork();
  if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) {
    const email = env.ADMIN_EMAIL.toLowerCase();
    const existing = await em.findOne(User, { email });
    if (existing) {
      if (existing.role !== 'ADMIN') {
        existing.role = 'ADMIN';
        await em.flush();
        logger.info({ email }, 'promoted ADMIN_EMAIL to admin');
      }
      return;
    }
    await createAdmin(orm, email, env.ADMIN_PASSWORD);
    logger.info({ email }, 'admin created from ADMIN_EMAIL');
    return;
  }
  if ((await em.count(User, { role: 'ADMIN' })) > 0) return;
  if (env.NODE_ENV === 'production') {
    logger.warn('no admin exists: set ADMIN_EMAIL and ADMIN_PASSWORD to create one');
    return;
  }
  const email = 'admin@switchyard.local';
  const password = randomBytes(12).toString('base64url');
  if (await createAdmin(orm, email, password)) {
    logger.info(
      { adminEmail: email, adminPassword: password },
      'admin created (development); this password is shown once',
    );
  }
}

/** Insert-if-absent, so replicas starting together create one admin. */
async function createAdmin(orm: Orm, email: string, password: string): Promise<boolean> {
  const result = await orm.em
    .fork()
    .getConnection()
    .execute(
      `/* createAdmin */ insert into users (id, email, password_hash, role) values (?, ?, ?, 'ADMIN') on conflict (email) do nothing`,
      [randomUUID(), email, await hashPassword(password)],
      'run',
    );
  return ((result as { affectedRows?: number }).affectedRows ?? 0) > 0;
}
