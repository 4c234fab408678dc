import type { AuthChecker } from 'type-graphql';
import { type AppError, ForbiddenError, UnauthenticatedError } from './errors.js';

/** Roles are the issuer's data; `ADMIN` passes every rule. */
export type Role = string;

/** Who is calling: a signed-in user, or a machine holding a scoped API token. */
export interface Viewer {
  kind: 'user' | 'token';
  /** The user's id, or the API token's id. */
  id: string;
  role: Role | null;
  scopes: string[];
}

export interface AuthContext {
  viewer: Viewer | null;
  /** Why a presented token was refused; raised only where authentication is required. */
  authError?: AppError;
}

export function isAdmin(viewer: Viewer | null): boolean {
  return viewer?.role === 'ADMIN';
}

/** The signed-in viewer, or UNAUTHENTICATED (with the reason a presented token was refused). */
export function requireViewer(context: AuthContext): Viewer {
  if (!context.viewer) throw context.authError ?? new UnauthenticatedError();
  return context.viewer;
}

/** The signed-in user (not a machine token). */
export function requireUser(context: AuthContext): Viewer {
  const viewer = requireViewer(context);
  if (viewer.kind !== 'user') throw new ForbiddenError('this operation needs a user, not an API token');
  return viewer;
}

/** A user may act on their own data; an admin on anyone's. */
export function requireSelfOrAdmin(context: AuthContext, userId: string): Viewer {
  const viewer = requireUser(context);
  if (viewer.id !== userId && !isAdmin(viewer)) throw new ForbiddenError("not allowed to access another user's data");
  return viewer;
}

/**
 * type-graphql `@Authorized(...rules)`: no rule means any viewer; a rule is a role (`ADMIN`)
 * or `scope:<name>` for API tokens. Admins pass every rule.
 */
export const authChecker: AuthChecker<AuthContext> = ({ context }, rules) => {
  const viewer = requireViewer(context);
  if (rules.length === 0 || isAdmin(viewer)) return true;
  const allowed = rules.some((rule) =>
    rule.startsWith('scope:') ? viewer.scopes.includes(rule.slice('scope:'.length)) : viewer.role === rule,
  );
  if (!allowed) throw new ForbiddenError(`requires ${rules.join(' or ')}`);
  return true;
};
