import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { hash, verify } from '@node-rs/argon2';
import {
  BadUserInputError,
  ConflictError,
  decodeCursor,
  ForbiddenError,
  isAdmin,
  NotFoundError,
  type Page,
  pageSize,
  parseInput,
  type Role,
  requireSelfOrAdmin,
  requireUser,
  toPage,
  UnauthenticatedError,
} from '@switchyard/kit';
import type { UsersContext } from '../context.js';
import { User } from './user.entity.js';
import { Credentials, PasswordChange, UpdateUser, type UpdateUserInput } from './user.inputs.js';

export const hashPassword = (plain: string) => hash(plain);

export async function register(ctx: UsersContext, input: { email: string; password: string }) {
  const { email, password } = parseInput(Credentials, input);
  const user = ctx.em.create(User, { email, passwordHash: await hashPassword(password) });
  await flushUnique(ctx, 'email', 'email is already registered');
  return signIn(ctx, user);
}

export async function login(ctx: UsersContext, input: { email: string; password: string }) {
  const email = input.email.trim().toLowerCase();
  const user = await ctx.em.findOne(User, { email }, { populate: ['passwordHash'] });
  // Same answer for unknown email and wrong password, so accounts cannot be probed.
  if (!user || !(await verify(user.passwordHash, input.password))) {
    throw new UnauthenticatedError('invalid email or password');
  }
  return signIn(ctx, user);
}

function signIn(ctx: UsersContext, user: User) {
  // The rest of this response is read as the user who just signed in.
  ctx.viewer = { kind: 'user', id: user.id, role: user.role, scopes: [] };
  ctx.authError = undefined;
  return { ...ctx.auth.issueUserToken(user), user };
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
  const cursor = decodeCursor(after, 2);
  const where = cursor
    ? {
        $or: [
          { createdAt: { $gt: new Date(cursor[0]!) } },
          { createdAt: new Date(cursor[0]!), id: { $gt: String(cursor[1]) } },
        ],
      }
    : {};
  const rows = await ctx.em.find(User, where, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: size + 1 });
  return toPage(rows, size, (u) => [u.createdAt.toISOString(), u.id]);
}

export async function updateUser(ctx: UsersContext, id: string, input: UpdateUserInput): Promise<User> {
  const viewer = requireSelfOrAdmin(ctx, id);
  const changes = parseInput(UpdateUser, input);
  if (changes.role && !isAdmin(viewer)) throw new ForbiddenError('only an admin may change a role');
  const user = await ctx.em.findOne(User, { id });
  if (!user) throw new NotFoundError('user');
  if (changes.role === 'USER' && user.role === 'ADMIN') await assertNotLastAdmin(ctx);
  ctx.em.assign(user, changes);
  await flushUnique(ctx, 'email', 'email is already registered');
  return user;
}

export async function deleteUser(ctx: UsersContext, id: string): Promise<boolean> {
  requireSelfOrAdmin(ctx, id);
  const user = await ctx.em.findOne(User, { id });
  if (!user) throw new NotFoundError('user');
  if (user.role === 'ADMIN') await assertNotLastAdmin(ctx);
  // Watches, alerts and tokens go with the user (foreign keys cascade).
  await ctx.em.nativeDelete(User, { id });
  return true;
}

export async function changePassword(ctx: UsersContext, input: { currentPassword: string; newPassword: string }) {
  const viewer = requireUser(ctx);
  const { currentPassword, newPassword } = parseInput(PasswordChange, input);
  const user = await ctx.em.findOne(User, { id: viewer.id }, { populate: ['passwordHash'] });
  if (!user) throw new NotFoundError('user');
  if (!(await verify(user.passwordHash, currentPassword))) {
    throw new BadUserInputError('currentPassword', 'does not match the current password');
  }
  user.passwordHash = await hashPassword(newPassword);
  await ctx.em.flush();
  return true;
}

async function assertNotLastAdmin(ctx: UsersContext): Promise<void> {
  const admins = await ctx.em.count(User, { role: 'ADMIN' satisfies Role });
  if (admins <= 1) throw new ConflictError('the last admin cannot be removed or demoted');
}

async function flushUnique(ctx: UsersContext, field: string, message: string): Promise<void> {
  try {
    await ctx.em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw new ConflictError(`${field}: ${message}`, field);
    throw error;
  }
}
