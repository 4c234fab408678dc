import { createServer, type Server } from 'node:http';
import { waitFor } from '@switchyard/testing';
import { importJWK, SignJWT } from 'jose';
import pino from 'pino';
import type { Viewer } from '../auth.js';
import { CallerVerifier, CONFIRM_PATH, type ConfirmAnswer, JWKS_PATH, TOKEN_ISSUER } from '../identity.js';
import { generateSigningKey, SIGNING_ALGORITHM } from '../signing-keys.js';

const USER: Viewer = { kind: 'user', id: 'u-1', role: 'USER', scopes: [] };
const CACHE_MS = 30_000;

/**
 * An issuer over HTTP: its keys, and confirmations it counts, each answered with what `answer`
 * was when it arrived ('down': HTTP 503), held while `hold()` is on.
 */
async function issuer() {
  const key = await generateSigningKey();
  const state = { confirms: 0, answer: { viewer: USER } as ConfirmAnswer | 'down' };
  let held: Promise<void> | undefined;
  let release = () => {};
  const server: Server = createServer((req, res) => {
    if (req.url === JWKS_PATH) return res.end(JSON.stringify({ keys: [key.publicJwk] }));
    if (req.url !== CONFIRM_PATH) return res.writeHead(404).end();
    state.confirms++;
    const answer = state.answer;
    req.resume();
    void (held ?? Promise.resolve()).then(() =>
      answer === 'down' ? res.writeHead(503).end() : res.end(JSON.stringify(answer)),
    );
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
      held = new Promise<void>((resolve) => (release = resolve));
    },
    release() {
      release();
      held = undefined;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('confirming callers', () => {
  let issuing: Awaited<ReturnType<typeof issuer>>;
  /** What the verifier logged of each renewal, once its answer was in. */
  let renewals: Array<{ msg: string; kept?: boolean }> = [];
  const renewed = () => renewals.filter((line) => line.msg === 'confirmation renewed');
  const verifierOf = () =>
    new CallerVerifier({
      issuerUrl: issuing.url,
      cacheMs: CACHE_MS,
      logger: pino({ level: 'debug' }, { write: (line: string) => void renewals.push(JSON.parse(line)) }),
    });
  /** Moves the clock (Date only: timers and I/O run as they do) by `ms`. */
  const later = (ms: number) => jest.setSystemTime(Date.now() + ms);

  beforeEach(async () => {
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    issuing = await issuer();
    renewals = [];
  });
  afterEach(async () => {
    issuing.release();
    await issuing.close();
    jest.useRealTimers();
  });

  /** A verifier with the caller confirmed, two thirds of the entry's life ago. */
  async function confirmedAndAged() {
    const verifier = verifierOf();
    expect((await verifier.verify(issuing.authorization)).viewer).toEqual(USER);
    expect(issuing.state.confirms).toBe(1);
    later((CACHE_MS * 2) / 3);
    return verifier;
  }

  it('asks again only once an entry ends, when it is not in use', async () => {
    const verifier = await confirmedAndAged();
    later(CACHE_MS / 3);
    expect((await verifier.verify(issuing.authorization)).viewer).toEqual(USER);
    expect(issuing.state.confirms).toBe(2);
  });

  it('renews a confirmation in use before it ends, without a caller waiting for the issuer', async () => {
    const verifier = await confirmedAndAged();
    issuing.hold();
    issuing.state.answer = { viewer: { ...USER, role: 'ADMIN' } };
    // Served from the entry while the issuer, asked again, has not answered.
    expect((await verifier.verify(issuing.authorization)).viewer).toEqual(USER);
    await waitFor(async () => issuing.state.confirms === 2, 10_000, 'the renewal');
    expect((await verifier.verify(issuing.authorization)).viewer).toEqual(USER);
    issuing.release();
    await waitFor(async () => renewed().length === 1, 10_000, 'the renewal answered');
    expect(renewed()[0]!.kept).toBe(true);
    // The issuer's new word replaces the entry, which lasts its full time from when it was asked.
    expect((await verifier.verify(issuing.authorization)).viewer?.role).toBe('ADMIN');
    later(CACHE_MS / 2);
    expect((await verifier.verify(issuing.authorization)).viewer?.role).toBe('ADMIN');
    expect(issuing.state.confirms).toBe(2);
  });

  it('lets an event that forgot the caller win over a renewal answered after it', async () => {
    const verifier = await confirmedAndAged();
    issuing.hold();
    await verifier.verify(issuing.authorization);
    await waitFor(async () => issuing.state.confirms === 2, 10_000, 'the renewal');
    // The session ends: the caller is forgotten and asked about anew, while the renewal, asked
    // before, is still to say they are who they were.
    verifier.forget(USER.id);
    issuing.state.answer = { refused: 'session ended, sign in again' };
    const anew = verifier.verify(issuing.authorization);
    await waitFor(async () => issuing.state.confirms === 3, 10_000, 'the new confirmation');
    issuing.release();
    expect((await anew).authError?.message).toBe('session ended, sign in again');
    await waitFor(async () => renewed().length === 1, 10_000, 'the renewal answered');
    expect(renewed()[0]!.kept).toBe(false);
    expect((await verifier.verify(issuing.authorization)).authError?.message).toBe('session ended, sign in again');
    expect(issuing.state.confirms).toBe(3);
  });

  it('keeps an entry to its end when the renewal finds the issuer unreachable', async () => {
    const verifier = await confirmedAndAged();
    issuing.state.answer = 'down';
    expect((await verifier.verify(issuing.authorization)).viewer).toEqual(USER);
    await waitFor(async () => renewed().length === 1, 10_000, 'the renewal answered');
    expect(renewed()[0]!.kept).toBe(false);
    expect((await verifier.verify(issuing.authorization)).viewer).toEqual(USER);
    expect(issuing.state.confirms).toBe(2);
    later(CACHE_MS / 3);
    expect((await verifier.verify(issuing.authorization)).authError?.extensions.code).toBe('UNAVAILABLE');
  });
});
