import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger, Orm } from '@switchyard/kit';
import { User } from './user/user.entity.js';
import { hashPassword } from './user/user.service.js';

/**
 * The first admin: ADMIN_EMAIL/ADMIN_PASSWORD when given. An existing non-admin account with
 * that email is promoted only after its password is replaced and its sessions ended, so
 * registering the admin's address early gains nothing. In development with neither, one is
 * made with a random password printed once; production never gets a default password.
 */
export async function ensureAdmin(
  orm: Orm,
  env: { ADMIN_EMAIL?: string; ADMIN_PASSWORD?: string; NODE_ENV: string },
  logger: Logger,
): Promise<void> {
  if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
    throw new Error('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  const em = orm.em.fork();
  if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) {
    const email = env.ADMIN_EMAIL.toLowerCase();
    const existing = await em.findOne(User, { email });
    if (!existing) {
      if (await createAdmin(orm, email, env.ADMIN_PASSWORD)) logger.info({ email }, 'admin created from ADMIN_EMAIL');
    } else if (existing.role !== 'ADMIN') {
      em.assign(existing, {
        role: 'ADMIN',
        passwordHash: await hashPassword(env.ADMIN_PASSWORD),
        sessionVersion: existing.sessionVersion + 1,
      });
      await em.flush();
      logger.warn(
        { email },
        'ADMIN_EMAIL belonged to a user: promoted, password set to ADMIN_PASSWORD, sessions ended',
      );
    }
    return;
  }
  if ((await em.count(User, { role: 'ADMIN' })) > 0) return;
  if (env.NODE_ENV === 'production') {
    logger.warn('no admin exists: set ADMIN_EMAIL and ADMIN_PASSWORD to create one');
    return;
  }
  const email = 'admin@switchyard.local';
  // Hex: a password that begins with "-" would read as an option to `npm run seed -- --password`.
  const password = randomBytes(12).toString('hex');
  if (await createAdmin(orm, email, password)) {
    logger.info({ email }, 'development admin created');
    // Not to the log stream: a password does not belong in collected logs. Under `npm start` the
    // supervisor prints it once, when everything is ready; run alone, the terminal shows it.
    if (process.send) process.send({ adminCreated: { email, password } });
    else process.stderr.write(`admin created: ${email} / ${password} (shown once; change it with changePassword)\n`);
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
