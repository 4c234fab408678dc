import { createLogger, openDatabase, type Orm } from '@switchyard/kit';
import { freshDatabase } from '@switchyard/testing';
import { verify } from '@node-rs/argon2';
import { ensureAdmin } from '../admin.js';
import { entities, migrations } from '../entities.js';
import { User } from '../user/user.entity.js';
import { hashPassword } from '../user/user.service.js';

let orm: Orm;
const logger = createLogger('users-test');

beforeAll(async () => {
  orm = await openDatabase({ url: await freshDatabase(), schema: 'users', entities, migrations });
});
afterAll(() => orm?.close());

const admins = () => orm.em.fork().find(User, { role: 'ADMIN' }, { populate: ['passwordHash'] });

describe('ensureAdmin', () => {
  it('refuses half a configuration', async () => {
    await expect(ensureAdmin(orm, { ADMIN_EMAIL: 'a@example.com', NODE_ENV: 'production' }, logger)).rejects.toThrow(
      /together/,
    );
  });

  it('makes no default admin in production', async () => {
    await ensureAdmin(orm, { NODE_ENV: 'production' }, logger);
    expect(await admins()).toEqual([]);
  });

  it('takes over an account that registered the admin address first: new password, sessions ended', async () => {
    const em = orm.em.fork();
    const squatter = em.create(User, { email: 'boss@example.com', passwordHash: await hashPassword('squatters-pw') });
    await em.flush();
    await ensureAdmin(
      orm,
      { ADMIN_EMAIL: 'Boss@example.com', ADMIN_PASSWORD: 'operators-password', NODE_ENV: 'production' },
      logger,
    );
    const [admin] = await admins();
    expect(admin!.id).toBe(squatter.id);
    expect(await verify(admin!.passwordHash, 'operators-password')).toBe(true);
    expect(admin!.sessionVersion).toBe(squatter.sessionVersion + 1);
    // Running again (every restart) changes nothing.
    await ensureAdmin(
      orm,
      { ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'operators-password', NODE_ENV: 'production' },
      logger,
    );
    expect((await admins())[0]!.sessionVersion).toBe(admin!.sessionVersion);
  });
});
