// Viewer assertions: the gateway confirms a caller once per request and tells each subgraph who is
// calling in a short-lived token signed with the gateway's own key (header `x-switchyard-viewer`).
// Subgraphs verify it by public key and never see, nor check, the caller's own token.
import { createLocalJWKSet, importJWK, type JSONWebKeySet, type JWK, jwtVerify, SignJWT } from 'jose';
import type { AuthContext, Viewer } from './auth.js';
import { AppError, type ErrorCode, UnauthenticatedError } from './errors.js';
import type { EventBus } from './events.js';
import { apiTokenRevoked, sessionChanged } from './identity-events.js';
import { SIGNING_ALGORITHM } from './signing-keys.js';

export const VIEWER_HEADER = 'x-switchyard-viewer';
/** The response extension in which a subgraph names the users and tokens a request changed. */
export const IDENTITY_CHANGED = 'identityChanged';
const ISSUER = 'switchyard-gateway';
/** How long an assertion holds; the gateway renews one after half of it. */
export const ASSERTION_TTL_SEC = 60;
const CACHE_LIMIT = 10_000;

interface AssertionClaims {
  viewer: Viewer | null;
  /** Why the caller's token was refused (code and message), for fields that need a caller. */
  refused?: { code: string; message: string };
  /** When the gateway confirmed the caller, in ms (iat has whole seconds only). */
  at: number;
}

/** The gateway's side: one assertion per (viewer, subgraph), reused for half its lifetime. */
export class AssertionSigner {
  private readonly key: ReturnType<typeof importJWK>;
  private readonly cache = new Map<string, { token: Promise<string>; renewAt: number }>();

  constructor(
    private readonly jwk: JWK,
    private readonly now: () => number = Date.now,
  ) {
    this.key = importJWK(jwk, SIGNING_ALGORITHM);
  }

  sign(auth: AuthContext, audience: string): Promise<string> {
    const refused = auth.authError && { code: String(auth.authError.extensions.code), message: auth.authError.message };
    const cacheKey = JSON.stringify([audience, auth.viewer, refused]);
    const now = this.now();
    const hit = this.cache.get(cacheKey);
    if (hit && hit.renewAt > now) return hit.token;
    const claims: AssertionClaims = { viewer: auth.viewer, ...(refused && { refused }), at: now };
    const token = this.key.then((key) =>
      new SignJWT({ ...claims })
        .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: this.jwk.kid })
        .setIssuer(ISSUER)
        .setAudience(audience)
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(Math.floor(now / 1000) + ASSERTION_TTL_SEC)
        .sign(key),
    );
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(cacheKey, { token, renewAt: now + (ASSERTION_TTL_SEC * 1000) / 2 });
    token.catch(() => this.cache.delete(cacheKey));
    return token;
  }

  /** After a caller's session changed: no assertion made before is handed out again. */
  forget(): void {
    this.cache.clear();
  }
}

/** A request that did not come through the gateway. */
export class NotThroughGateway extends UnauthenticatedError {
  constructor(
    reason: string,
    /** Made before its viewer's session changed: the gateway confirms the caller again and retries. */
    readonly stale = false,
  ) {
    super(`requests must come through the gateway (${reason})`);
  }
}

/** The `reason` a subgraph's 401 carries for a stale assertion. */
export const STALE_ASSERTION = 'STALE_ASSERTION';

/**
 * A subgraph's side: verifies assertions by the gateway's public keys, for this subgraph only, and
 * refuses one made before its viewer's session changed or its API token was revoked (events).
 */
export class AssertionVerifier {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;
  private readonly verified = new Map<string, { auth: AuthContext; until: number }>();
  /** userId or tokenId → when it changed (ms); kept as long as an assertion can live. */
  private readonly changed = new Map<string, number>();

  constructor(
    keys: JSONWebKeySet,
    private readonly audience: string,
  ) {
    this.keys = createLocalJWKSet(keys);
  }

  /** Listens for session changes and revocations, so older assertions stop at once. */
  async watch(events: EventBus): Promise<void> {
    await events.subscribe(sessionChanged, ({ userId, at }) => this.invalidate(userId, at));
    await events.subscribe(apiTokenRevoked, ({ tokenId, at }) => this.invalidate(tokenId, at));
  }

  invalidate(id: string, at: number): void {
    this.changed.set(id, Math.max(at, this.changed.get(id) ?? 0));
    const expired = Date.now() - ASSERTION_TTL_SEC * 2000;
    for (const [key, when] of this.changed) if (when < expired) this.changed.delete(key);
    this.verified.clear();
  }

  /** Who the gateway says is calling; throws NotThroughGateway without a valid assertion. */
  async verify(assertion: string | string[] | undefined): Promise<AuthContext> {
    if (typeof assertion !== 'string' || !assertion) throw new NotThroughGateway('no viewer assertion');
    const hit = this.verified.get(assertion);
    if (hit && hit.until > Date.now()) return hit.auth;
    let claims: AssertionClaims & { exp?: number };
    try {
      ({ payload: claims } = (await jwtVerify(assertion, this.keys, {
        algorithms: [SIGNING_ALGORITHM],
        issuer: ISSUER,
        audience: this.audience,
      })) as unknown as { payload: AssertionClaims & { exp?: number } });
    } catch {
      throw new NotThroughGateway('invalid or expired viewer assertion');
    }
    if (typeof claims.at !== 'number') throw new NotThroughGateway('invalid viewer assertion');
    const changedAt = claims.viewer ? this.changed.get(claims.viewer.id) : undefined;
    if (changedAt !== undefined && claims.at <= changedAt) {
      throw new NotThroughGateway('viewer assertion made before the session changed', true);
    }
    const auth: AuthContext = {
      viewer: claims.viewer,
      ...(claims.refused && { authError: new AppError(claims.refused.code as ErrorCode, claims.refused.message) }),
    };
    if (this.verified.size >= CACHE_LIMIT) this.verified.clear();
    this.verified.set(assertion, { auth, until: (claims.exp ?? 0) * 1000 });
    return auth;
  }
}
