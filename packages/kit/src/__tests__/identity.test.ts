import { createServer, type Server } from 'node:http';
import { waitFor } from '@switchyard/testing';
import { importJWK, SignJWT } from 'jose';
import pino from 'pino';
import type { Viewer } from '../auth.js';
import { CallerVerifier, CONFIRM_PATH, type ConfirmAnswer, JWKS_PATH, TOKEN_ISSUER } from '../identity.js';
import { generateSigningKey, SIGNING_ALGORITHM } from '../signing-keys.js';

const USER: Viewer = { kind: 'user', id: 'u-1', role: 'USER', scopes: [] };
// Long enough that a busy machine does not let an entry end before the step that renews it.
const CACHE_MS = 4_500;

/** An issuer over HTTP: its keys, and confirmations it counts and can hold until released. */
async function issuer() {
  const key = await generateSigningKey();
  const state = {
    confirms: 0,
    answer: { viewer: USER } as ConfirmAnswer,
    held: undefined as undefined | { release: () => void; promise: Promise<void> },
  };
  const server: Server = createServer((req, res) => {
    if (req.url === JWKS_PATH) return res.end(JSON.stringify({ keys: [key.publicJwk] }));
    if (req.url !== CONFIRM_PATH) return res.writeHead(404).end();
    state.confirms++;
    const held = state.held?.promise;
    req.resume();
    void (held ?? Promise.resolve()).then(() => res.end(JSON.stringify(state.answer)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid })
    .setIssuer(TOKEN_ISSUER)
    .setSubject(USER.id)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(await importJWK(key.privateJwk, SIGNING_ALGORITHM));
  return {
    state,
    url: `http://127.0.0.1:${port}`,
    authorization: `Bearer ${token}`,
    hold() {
      let release!: () => void;
      const promise = new Promise<void>((resolve) => (release = resolve));
      state.held = { release, promise };
    },
    release() {
      state.held?.release();
      state.held = undefined;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('confirming callers', () => {
  let issuing: Awaited<ReturnType<typeof issuer>>;
  /** What the verifier logged of each renewal, once its answer was in. */
  let renewals: Array<{ msg: string; kept?: boolean }> = [];
  const renewed = () => renewals.filter((line) => line.msg === 'confirmation renewed');
  beforeEach(async () => {
    issuing = await issuer();
  });
  afterEach(async () => {
    issuing.release();
    await issuing.close();
  });

  /** A verifier whose first confirmation of the caller is made, and its age reached for renewal. */
  async function confirmedAndAged() {
    renewals = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void renewals.push(JSON.parse(line)) });
    const verifier = new CallerVerifier({ issuerUrl: issuing.url, cacheMs: CACHE_MS, logger });
    const confirmedAt = Date.now();
    expect((await verifier.verify(issuing.authorization)).viewer).toEqual(USER);
    expect(issuing.state.confirms).toBe(1);
    await waitFor(async () => Date.now() >= confirmedAt + (CACHE_MS * 2) / 3 + 50, CACHE_MS, 'renewal age');
    return verifier;
  }

  it('renews a confirmation in use before it ends, without a caller waiting for the issuer', async () => {
    const verifier = await confirmedAndAged();
    issuing.hold();
    // Served from the entry while the issuer, asked again, has not answered.
    expect((await verifier.verify(issuing.authorization)).viewer).toEqual(USER);
    await waitFor(async () => issuing.state.confirms === 2, 10_000, 'the renewal');
    expect((await verifier.verify(issuing.authorization)).viewer).toEqual(USER);
    expect(issuing.state.confirms).toBe(2);
    issuing.state.answer = { viewer: { ...USER, role: 'ADMIN' } };
    issuing.release();
    // The issuer's new word replaces the entry, and nothing more is asked.
    await waitFor(async () => renewed().length === 1, 10_000, 'the renewal answered');
    expect(renewed()[0]!.kept).toBe(true);
    expect((await verifier.verify(issuing.authorization)).viewer?.role).toBe('ADMIN');
    expect(issuing.state.confirms).toBe(2);
  });

  it('lets an event that forgot the caller win over a renewal answered after it', async () => {
    const verifier = await confirmedAndAged();
    issuing.hold();
    await verifier.verify(issuing.authorization);
    await waitFor(async () => issuing.state.confirms === 2, 10_000, 'the renewal');
    verifier.forget(USER.id);
    issuing.release();
    // Answered that the caller is who they were, after they were forgotten: not kept.
    await waitFor(async () => renewed().length === 1, 10_000, 'the renewal answered');
    expect(renewed()[0]!.kept).toBe(false);
    // The session ended: the caller is asked about anew, and refused.
    issuing.state.answer = { refused: 'session ended, sign in again' };
    const after = await verifier.verify(issuing.authorization);
    expect(after.viewer).toBeNull();
    expect(after.authError?.message).toBe('session ended, sign in again');
    expect(issuing.state.confirms).toBe(3);
  });
});
