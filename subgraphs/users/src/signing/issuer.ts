// The one place that can issue user and API tokens: Ed25519 keys kept in users' own table,
// rotated by kid, their public halves published; and the issuer's answer on a token it signed.
import {
  type ConfirmAnswer,
  ConflictError,
  type EventBus,
  generateSigningKey,
  isUuid,
  NotFoundError,
  type Orm,
  SIGNING_ALGORITHM,
  TOKEN_ISSUER,
} from '@switchyard/kit';
import { createLocalJWKSet, decodeJwt, errors, importJWK, type JSONWebKeySet, jwtVerify, SignJWT } from 'jose';
import { sha256 } from '../auth.js';
import { signingKeysChanged } from '../events.js';
import { SigningKey } from './signing-key.entity.js';

interface Signer {
  kid: string;
  key: ReturnType<typeof importJWK>;
}

export class TokenIssuer {
  private signer?: Signer;
  private published: JSONWebKeySet = { keys: [] };
  private verifyKeys = createLocalJWKSet({ keys: [] });

  private constructor(
    private readonly orm: Orm,
    private readonly events: EventBus,
    private readonly ttl: string,
  ) {}

  /** Loads the keys (making the first one on a new database) and follows other replicas' changes. */
  static async open(orm: Orm, events: EventBus, ttl: string): Promise<TokenIssuer> {
    const issuer = new TokenIssuer(orm, events, ttl);
    await events.subscribe(signingKeysChanged, async () => void (await issuer.load()));
    if (!(await issuer.load())) await issuer.rotate();
    return issuer;
  }

  /** Reads the keys not retired; false when there are none yet. */
  private async load(): Promise<boolean> {
    const keys = await this.orm.em
      .fork()
      .find(SigningKey, { retiredAt: null }, { orderBy: { createdAt: 'desc', kid: 'asc' }, populate: ['privateJwk'] });
    const newest = keys[0];
    if (!newest) return false;
    this.signer = { kid: newest.kid, key: importJWK(newest.privateJwk, SIGNING_ALGORITHM) };
    this.published = { keys: keys.map((key) => key.publicJwk) };
    this.verifyKeys = createLocalJWKSet(this.published);
    return true;
  }

  /** A new key signs from now on; the older ones stay published until retired. */
  async rotate(): Promise<SigningKey> {
    const { kid, privateJwk, publicJwk } = await generateSigningKey();
    const em = this.orm.em.fork();
    const key = em.create(SigningKey, { kid, privateJwk, publicJwk });
    await em.flush();
    await this.changed();
    return key;
  }

  /** Stops publishing a key: every token it signed is refused from now on. */
  async retire(kid: string): Promise<SigningKey> {
    const em = this.orm.em.fork();
    const key = await em.findOne(SigningKey, { kid });
    if (!key) throw new NotFoundError('signing key');
    if (!key.retiredAt) {
      if (kid === this.signer?.kid) throw new ConflictError('the key that signs now cannot be retired: rotate first');
      key.retiredAt = new Date();
      await em.flush();
      await this.changed();
    }
    return key;
  }

  private async changed(): Promise<void> {
    await this.load();
    await this.events.publish(signingKeysChanged, {});
  }

  async jwks(): Promise<JSONWebKeySet> {
    await this.load();
    return this.published;
  }

  private async sign(claims: Record<string, unknown>, build: (jwt: SignJWT) => SignJWT): Promise<string> {
    const signer = this.signer!;
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: signer.kid })
      .setIssuer(TOKEN_ISSUER)
      .setIssuedAt();
    return build(jwt).sign(await signer.key);
  }

  async issueUserToken(user: {
    id: string;
    role: string;
    sessionVersion: number;
  }): Promise<{ token: string; expiresAt: Date }> {
    const token = await this.sign({ typ: 'user', role: user.role, sv: user.sessionVersion }, (jwt) =>
      jwt.setSubject(user.id).setExpirationTime(this.ttl),
    );
    return { token, expiresAt: new Date(decodeJwt(token).exp! * 1000) };
  }

  /** API tokens do not expire; they are revoked. */
  issueApiToken(id: string, scopes: string[]): Promise<string> {
    return this.sign({ typ: 'api', scopes }, (jwt) => jwt.setJti(id));
  }

  /**
   * The issuer's word on a token: signed by a published key, not expired, and for a user token
   * the user still exists with that session version (their role now); for an API token, the one
   * issued under its id and not revoked. One primary-key lookup.
   */
  async confirm(token: string): Promise<ConfirmAnswer> {
    let claims: { typ?: unknown; sub?: string; sv?: unknown; jti?: string; scopes?: unknown };
    try {
      claims = await this.verified(token);
    } catch (error) {
      return { refused: error instanceof errors.JWTExpired ? 'token expired' : 'invalid token' };
    }
    const sql = <T>(query: string, params: unknown[]) => this.orm.em.fork().getConnection().execute<T[]>(query, params);
    if (claims.typ === 'user' && claims.sub && isUuid(claims.sub) && typeof claims.sv === 'number') {
      const [row] = await sql<{ role: string }>(
        '/* confirmUser */ select role from users where id = ? and session_version = ?',
        [claims.sub, claims.sv],
      );
      if (!row) return { refused: 'session ended, sign in again' };
      return { viewer: { kind: 'user', id: claims.sub, role: row.role, scopes: [] } };
    }
    if (claims.typ === 'api' && claims.jti && isUuid(claims.jti) && Array.isArray(claims.scopes)) {
      const [row] = await sql(
        '/* confirmApiToken */ select 1 from api_tokens where id = ? and token_hash = ? and revoked_at is null',
        [claims.jti, sha256(token)],
      );
      if (!row) return { refused: 'API token revoked or unknown' };
      return { viewer: { kind: 'token', id: claims.jti, role: null, scopes: claims.scopes as string[] } };
    }
    return { refused: 'invalid token' };
  }

  /** Verified by a published key; a kid not known here may be another replica's new key. */
  private async verified(token: string) {
    const options = { algorithms: [SIGNING_ALGORITHM], issuer: TOKEN_ISSUER };
    try {
      return (await jwtVerify(token, this.verifyKeys, options)).payload;
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      await this.load();
      return (await jwtVerify(token, this.verifyKeys, options)).payload;
    }
  }
}
