// Confirming a caller's token where requests enter (the gateway, the MQTT broker): the signature
// by the issuer's published keys (JWKS), then the issuer's own answer (session version, role,
// revocation), cached briefly and forgotten at once when the issuer announces a change.
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify } from 'jose';
import type { AuthContext, Viewer } from './auth.js';
import { AppError, UnauthenticatedError } from './errors.js';
import type { EventBus } from './events.js';
import { apiTokenRevoked, sessionChanged } from './identity-events.js';
import type { Logger } from './logger.js';
import { SIGNING_ALGORITHM } from './signing-keys.js';

/** The `iss` of every token the users service signs. */
export const TOKEN_ISSUER = 'switchyard-users';
export const JWKS_PATH = '/.well-known/jwks.json';
/** POST `{ token }` → `{ viewer }` or `{ refused }`: the issuer's word on a token it signed. */
export const CONFIRM_PATH = '/auth/confirm';

export type ConfirmAnswer = { viewer: Viewer } | { refused: string };

export interface CallerVerifierOptions {
  /** Where the issuer serves JWKS_PATH and CONFIRM_PATH (the users service); may be known late. */
  issuerUrl: string | (() => string | undefined);
  /** How long a confirmed token is trusted without asking again (events clear it sooner). */
  cacheMs: number;
  timeoutMs?: number;
  logger?: Logger;
}

interface Confirmed {
  auth: Promise<AuthContext>;
  /** Whether the issuer has answered (an entry is renewed only then). */
  settled: boolean;
  until: number;
  /** From when a use of the entry asks the issuer again in the background (renew). */
  renewFrom: number;
  /** The token's own expiry (ms): no entry outlives it. */
  end: number;
  /** The user or API token the entry is about, for forgetting it on an event. */
  owner: string;
}

/**
 * The part of its life after which a confirmation in use is renewed ahead of its end: the caller
 * is served the entry they have while the issuer is asked, so no request waits on the issuer
 * every AUTH_CACHE_SEC (a JWKS check and a round trip, 10-25 ms here).
 */
const RENEW_AFTER = 2 / 3;

const CACHE_LIMIT = 50_000;
const unavailable = () => new AppError('UNAVAILABLE', 'the identity service is unavailable; try again');

export class CallerVerifier {
  private jwks?: { url: string; keys: ReturnType<typeof createRemoteJWKSet> };
  private readonly confirmed = new Map<string, Confirmed>();
  private readonly listeners = new Set<(owner: string) => void>();
  private readonly timeoutMs: number;

  constructor(private readonly options: CallerVerifierOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  private issuer(): string | undefined {
    const { issuerUrl } = this.options;
    return typeof issuerUrl === 'string' ? issuerUrl : issuerUrl();
  }

  private keys(issuer: string) {
    if (this.jwks?.url !== issuer) {
      this.jwks = {
        url: issuer,
        keys: createRemoteJWKSet(new URL(JWKS_PATH, issuer), {
          timeoutDuration: this.timeoutMs,
          // A token with an unknown kid fetches the keys again, at most this often (rotation).
          cooldownDuration: 5_000,
        }),
      };
    }
    return this.jwks.keys;
  }

  /** Forgets callers as the issuer announces changes; `listener` hears each (subscriptions end). */
  async watch(events: EventBus): Promise<void> {
    await events.subscribe(sessionChanged, ({ userId }) => this.forget(userId));
    await events.subscribe(apiTokenRevoked, ({ tokenId }) => this.forget(tokenId));
  }

  onChange(listener: (owner: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  forget(owner: string): void {
    for (const [token, entry] of this.confirmed) if (entry.owner === owner) this.confirmed.delete(token);
    for (const listener of this.listeners) listener(owner);
  }

  /** Reads `Authorization: Bearer <token>`; never throws, so public fields keep working. */
  async verify(authorization: string | undefined): Promise<AuthContext> {
    if (!authorization) return { viewer: null };
    const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    if (!token) {
      return { viewer: null, authError: new UnauthenticatedError('authorization header must be "Bearer <token>"') };
    }
    const hit = this.confirmed.get(token);
    const now = Date.now();
    if (hit && hit.until > now) {
      if (hit.settled && hit.renewFrom <= now) this.renew(token, hit);
      return hit.auth;
    }
    let claims: { sub?: string; jti?: string; exp?: number };
    try {
      // Unverified, for the cache's bookkeeping only; `check` verifies.
      claims = decodeJwt(token);
    } catch {
      return { viewer: null, authError: new UnauthenticatedError('invalid token') };
    }
    // Cached before anything is awaited: a burst of first requests with one token asks users once.
    const entry = this.entry(this.check(token), Date.now(), (claims.exp ?? Infinity) * 1000, claims.sub ?? claims.jti);
    if (this.confirmed.size >= CACHE_LIMIT) this.confirmed.clear();
    this.confirmed.set(token, entry);
    void entry.auth.then(({ authError }) => {
      entry.settled = true;
      // An unreachable issuer is asked again next time, not remembered.
      if (authError?.extensions.code === 'UNAVAILABLE' && this.confirmed.get(token) === entry) {
        this.confirmed.delete(token);
      }
    });
    return entry.auth;
  }

  /** An entry for the issuer's answer to a question asked at `asked`, ending by the token's `end`. */
  private entry(auth: Promise<AuthContext>, asked: number, end: number, owner = '', settled = false): Confirmed {
    const until = Math.min(asked + this.options.cacheMs, end);
    const renewFrom = Math.min(asked + this.options.cacheMs * RENEW_AFTER, end);
    return { auth, settled, until, renewFrom, end, owner };
  }

  /**
   * Asks the issuer again about a confirmation still in use, once; its answer replaces the entry
   * only if the entry is still there (an event that forgot the caller meanwhile wins), and an
   * unreachable issuer leaves the entry to end when it would have.
   */
  private renew(token: string, hit: Confirmed): void {
    hit.renewFrom = Infinity;
    const asked = Date.now();
    void this.check(token).then((answer) => {
      const kept = answer.authError?.extensions.code !== 'UNAVAILABLE' && this.confirmed.get(token) === hit;
      if (kept) this.confirmed.set(token, this.entry(Promise.resolve(answer), asked, hit.end, hit.owner, true));
      this.options.logger?.debug({ owner: hit.owner, kept }, 'confirmation renewed');
    });
  }

  /** The signature by the issuer's published keys, then the issuer's own word. */
  private async check(token: string): Promise<AuthContext> {
    let issuer: string | undefined;
    try {
      issuer = this.issuer();
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'could not tell where the issuer is');
    }
    if (!issuer) return { viewer: null, authError: unavailable() };
    try {
      await jwtVerify(token, this.keys(issuer), { algorithms: [SIGNING_ALGORITHM], issuer: TOKEN_ISSUER });
    } catch (error) {
      if (error instanceof errors.JWTExpired)
        return { viewer: null, authError: new UnauthenticatedError('token expired') };
      if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout)) {
        return { viewer: null, authError: new UnauthenticatedError('invalid token') };
      }
      this.options.logger?.warn({ err: error }, 'could not read the issuer keys');
      return { viewer: null, authError: unavailable() };
    }
    return this.confirm(issuer, token);
  }

  private async confirm(issuer: string, token: string): Promise<AuthContext> {
    let answer: ConfirmAnswer;
    try {
      const response = await fetch(new URL(CONFIRM_PATH, issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`confirm answered ${response.status}`);
      answer = (await response.json()) as ConfirmAnswer;
      if (typeof answer !== 'object' || answer === null) throw new Error('confirm answered no object');
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'could not confirm a token with the issuer');
      return { viewer: null, authError: unavailable() };
    }
    if ('viewer' in answer && answer.viewer) return { viewer: answer.viewer };
    const reason = 'refused' in answer ? answer.refused : 'invalid token';
    return { viewer: null, authError: new UnauthenticatedError(reason) };
  }
}
