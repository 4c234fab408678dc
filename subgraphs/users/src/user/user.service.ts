import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hash, verify } from '@node-rs/argon2';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  isAdmin,
  isUuid,
  keysetAfter,
  NotFoundError,
  type Page,
  pageSize,
  parseInput,
  requireSelfOrAdmin,
  requireUser,
  toPage,
  UnauthenticatedError,
  userDeleted,
} from '@switchyard/kit';
import type { UsersContext } from '../context.js';
import { User } from './user.entity.js';
import { Credentials, PasswordChange, UpdateUser, type UpdateUserInput } from './user.inputs.js';

export const hashPassword = (plain: string) => hash(plain);

// Verified against when the email is unknown, so both failures take as long.
let unknownUserHash: Promise<string> | undefined;

export async function register(ctx: UsersContext, input: { email: string; password: string }) {
  const { email, password } = parseInput(Credentials, input);
  const user = ctx.em.create(User, { email, passwordHash: await hashPassword(password) });
  await flushUnique(ctx.em);
  return signIn(ctx, user);
}

export async function login(ctx: UsersContext, input: { email: string; password: string }) {
  const email = input.email.trim().toLowerCase();
  const user = await ctx.em.findOne(User, { email }, { populate: ['passwordHash'] });
  const valid = await verify(
    user?.passwordHash ?? (await (unknownUserHash ??= hashPassword('nobody'))),
    input.password,
  );
  if (!user || !valid) throw new UnauthenticatedError('invalid email or password');
  return signIn(ctx, user);
}

async function signIn(ctx: UsersContext, user: User) {
  // The rest of this response is read as the user who just signed in.
  ctx.viewer = { kind: 'user', id: user.id, role: user.role, scopes: [] };
  ctx.authError = undefined;
  return { ...(await ctx.issuer.issueUserToken(user)), user };
}

export async function me(ctx: UsersContext): Promise<User | null> {
  return ctx.loaders.user.load(requireUser(ctx).id);
}

export async function getUser(ctx: UsersContext, id: string): Promise<User | null> {
  requireSelfOrAdmin(ctx, id);
  return ctx.loaders.user.load(id);
}

export async function listUsers(ctx: UsersContext, first?: number | null, after?: string | null): Promise<Page<User>> {
  const size = pageSize(first);
  const rows = await ctx.em.find(
    User,
    keysetAfter<User>(
      after,
      [
        ['createdAt', 'date'],
        ['id', 'string'],
      ],
      'asc',
    ),
    {
      orderBy: { createdAt: 'asc', id: 'asc' },
      limit: size + 1,
    },
  );
  return toPage(rows, size, (u) => [u.createdAt.toISOString(), u.id]);
}

export async function updateUser(ctx: UsersContext, id: string, input: UpdateUserInput): Promise<User> {
  const viewer = requireSelfOrAdmin(ctx, id);
  const changes = parseInput(UpdateUser, input);
  if (changes.role && !isAdmin(viewer)) throw new ForbiddenError('only an admin may change a role');
  let roleChanged = false;
  const updated = await ctx.em.transactional(async (em) => {
    const user = isUuid(id) ? await em.findOne(User, { id: id.toLowerCase() }) : null;
    if (!user) throw new NotFoundError('user');
    if (changes.role === 'USER' && user.role === 'ADMIN') await assertNotLastAdmin(em);
    roleChanged = changes.role !== undefined && changes.role !== user.role;
    em.assign(user, changes);
    await flushUnique(em);
    return user;
  });
  if (roleChanged) await ctx.identityChanged({ userId: updated.id });
  return updated;
}

export async function deleteUser(ctx: UsersContext, id: string): Promise<boolean> {
  requireSelfOrAdmin(ctx, id);
  await ctx.em
    .transactional(async (em) => {
      const user = isUuid(id) ? await em.findOne(User, { id: id.toLowerCase() }) : null;
      if (!user) throw new NotFoundError('user');
      if (user.role === 'ADMIN') await assertNotLastAdmin(em);
      // Watches, alerts and tokens go with the user (foreign keys cascade).
      await em.nativeDelete(User, { id: user.id });
      return user.id;
    })
    .then(async (userId) => {
      await ctx.identityChanged({ userId });
      // The user is gone either way; a lost notification leaves sessions for a cleanup to find.
      await ctx.events
        .publish(userDeleted, { userId })
        .catch((error: unknown) => ctx.log.error({ err: error, userId }, 'user.deleted not published'));
    });
  return true;
}

/** Sets a new password and ends every other session: tokens issued before now stop working. */
export async function changePassword(ctx: UsersContext, input: { currentPassword: string; newPassword: string }) {
  const viewer = requireUser(ctx);
  const { currentPassword, newPassword } = parseInput(PasswordChange, input);
  const user = await ctx.em.findOne(User, { id: viewer.id }, { populate: ['passwordHash'] });
  if (!user) throw new NotFoundError('user');
  if (!(await verify(user.passwordHash, currentPassword))) {
    throw new BadUserInputError('currentPassword', 'does not match the current password');
  }
  user.passwordHash = await hashPassword(newPassword);
  user.sessionVersion += 1;
  await ctx.em.flush();
  await ctx.identityChanged({ userId: user.id });
  return signIn(ctx, user);
}

/** Locks the admin rows, so two concurrent demotions cannot both see a second admin. */
async function assertNotLastAdmin(em: EntityManager): Promise<void> {
  const admins = await em.execute(`/* lockAdmins */ select id from users where role = 'ADMIN' for update`);
  if (admins.length <= 1) throw new ConflictError('the last admin cannot be removed or demoted');
}

async function flushUnique(em: EntityManager): Promise<void> {
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new ConflictError('email: is already registered', 'email');
    }
    throw error;
  }
}
