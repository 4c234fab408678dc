import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import type { AuthChecker } from 'type-graphql';
import { type AppError, ForbiddenError, UnauthenticatedError } from './errors.js';

export type Role = 'USER' | 'ADMIN';

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

/** Checks that an API token with this id exists, matches and is not revoked. */
export type ApiTokenCheck = (id: string, token: string) => Promise<boolean>;

/**
 * Confirms a user token with the owner of accounts: the user's current role, or null when the
 * user is gone or their session version moved on (a password change ends every session).
 */
export type UserTokenCheck = (userId: string, sessionVersion: number) => Promise<Role | null>;

export interface TokenChecks {
  apiToken?: ApiTokenCheck;
  userToken?: UserTokenCheck;
}

interface UserClaims {
  typ: 'user';
  role: Role;
  /** The user's session version when the token was issued. */
  sv: number;
}
interface ApiClaims {
  typ: 'api';
  scopes: string[];
}

export class Auth {
  constructor(
    private readonly secret: string,
    private readonly ttl: string,
    private readonly checks: TokenChecks = {},
  ) {}

  issueUserToken(user: { id: string; role: Role; sessionVersion: number }): { token: string; expiresAt: Date } {
    const claims: UserClaims = { typ: 'user', role: user.role, sv: user.sessionVersion };
    const token = jwt.sign(claims, this.secret, {
      subject: user.id,
      expiresIn: this.ttl as jwt.SignOptions['expiresIn'],
      algorithm: 'HS256',
    });
    const { exp } = jwt.decode(token) as { exp: number };
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** API tokens do not expire; they are revoked. */
  issueApiToken(id: string, scopes: string[]): string {
    const claims: ApiClaims = { typ: 'api', scopes };
    return jwt.sign(claims, this.secret, { jwtid: id, algorithm: 'HS256' });
  }

  /**
   * Who a header claims to be, from the token's signature alone (no lookup): `user:<id>` or
   * `token:<id>`, or null. For keying limits and idempotency at the gateway; the subgraphs still
   * confirm every token.
   */
  callerOf(header: string | undefined): string | null {
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    if (!token) return null;
    try {
      const claims = jwt.verify(token, this.secret, { algorithms: ['HS256'] }) as jwt.JwtPayload & { typ?: string };
      if (claims.typ === 'user' && claims.sub) return `user:${claims.sub}`;
      if (claims.typ === 'api' && claims.jti) return `token:${claims.jti}`;
    } catch {
      // an invalid or expired token identifies nobody
    }
    return null;
  }

  /** Reads `Authorization: Bearer <token>`; never throws, so public fields keep working. */
  async authenticate(header: string | undefined): Promise<AuthContext> {
    if (!header) return { viewer: null };
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      return { viewer: null, authError: new UnauthenticatedError('authorization header must be "Bearer <token>"') };
    const token = match[1]!;
    let claims: jwt.JwtPayload & { typ?: string; role?: string; sv?: number; scopes?: string[] };
    try {
      claims = jwt.verify(token, this.secret, { algorithms: ['HS256'] }) as typeof claims;
    } catch (error) {
      const expired = error instanceof jwt.TokenExpiredError;
      return { viewer: null, authError: new UnauthenticatedError(expired ? 'token expired' : 'invalid token') };
    }
    if (claims.typ === 'user' && claims.sub && (claims.role === 'USER' || claims.role === 'ADMIN')) {
      // The role in the token may be stale; the owner of accounts has the current one.
      const role = this.checks.userToken ? await this.checks.userToken(claims.sub, claims.sv ?? -1) : claims.role;
      if (!role) return { viewer: null, authError: new UnauthenticatedError('session ended, sign in again') };
      return { viewer: { kind: 'user', id: claims.sub, role, scopes: [] } };
    }
    if (claims.typ === 'api' && claims.jti && Array.isArray(claims.scopes)) {
      const active = this.checks.apiToken ? await this.checks.apiToken(claims.jti, token) : false;
      if (!active) return { viewer: null, authError: new UnauthenticatedError('API token revoked or unknown') };
      return { viewer: { kind: 'token', id: claims.jti, role: null, scopes: claims.scopes } };
    }
    return { viewer: null, authError: new UnauthenticatedError('invalid token') };
  }
}

/** For a long-lived subscription: the caller's token confirmed again now, or why it no longer holds. */
export async function confirmViewer(auth: Auth, authorization: string | undefined): Promise<Viewer> {
  const { viewer, authError } = await auth.authenticate(authorization);
  if (!viewer) throw authError ?? new UnauthenticatedError('sign in again');
  return viewer;
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

/**
 * The JWT signing secret. Production must configure JWT_SECRET; in development one is made
 * once under DATA_DIR, so every local service (and every restart) shares it.
 */
export function resolveJwtSecret(env: { JWT_SECRET?: string; NODE_ENV: string; DATA_DIR: string }): string {
  if (env.JWT_SECRET) return env.JWT_SECRET;
  if (env.NODE_ENV === 'production') throw new Error('JWT_SECRET is required in production');
  const file = join(env.DATA_DIR, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(env.DATA_DIR, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readFileSync(file, 'utf8').trim();
}
