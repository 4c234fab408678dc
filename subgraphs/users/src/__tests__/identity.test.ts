import {
  CONFIRM_PATH,
  type ConfirmAnswer,
  generateSigningKey,
  JWKS_PATH,
  TOKEN_ISSUER,
  type Viewer,
} from '@switchyard/kit';
import { codes, GraphQLClient, sqlClient, Stack, viewerHeader } from '@switchyard/testing';
import { createClient } from 'graphql-ws';
import { decodeProtectedHeader, importJWK, type JWK, SignJWT } from 'jose';
import WebSocket from 'ws';
import { ADMIN, asGateway as asGatewayAt, gatewayKey, startAlone } from './alone.js';

const stack = new Stack();
afterAll(() => stack.close());

let users: Awaited<ReturnType<typeof startAlone>>;
beforeAll(async () => {
  users = await startAlone(stack);
});

const origin = () => new URL(users.url).origin;
const asGateway = (viewer: Viewer | null = null) => asGatewayAt(users.url, viewer);
const confirm = async (token: string): Promise<ConfirmAnswer> =>
  (await fetch(`${origin()}/auth/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  }).then((r) => r.json())) as ConfirmAnswer;

async function signIn(email: string, password: string) {
  const { login } = await (
    await asGateway()
  ).data<{ login: { token: string; user: { id: string; role: string } } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id role } } }',
    { e: email, p: password },
  );
  const viewer: Viewer = { kind: 'user', id: login.user.id, role: login.user.role, scopes: [] };
  return { token: login.token, viewer };
}

describe('users as the issuer of tokens', () => {
  it('signs with a published Ed25519 key and confirms only what it signed', async () => {
    const admin = await signIn(ADMIN.email, ADMIN.password);
    const jwks = (await (await fetch(`${origin()}${JWKS_PATH}`)).json()) as { keys: Array<Record<string, string>> };
    const { kid, alg } = decodeProtectedHeader(admin.token);
    expect(alg).toBe('EdDSA');
    expect(jwks.keys.map((key) => key.kid)).toEqual([kid]);
    // Public halves only.
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(jwks.keys[0]).not.toHaveProperty('d');

    expect(await confirm(admin.token)).toEqual({ viewer: admin.viewer });
    expect(await confirm(`${admin.token.slice(0, -4)}AAAA`)).toEqual({ refused: 'invalid token' });
    expect(await confirm('garbage')).toEqual({ refused: 'invalid token' });
  });

  it('rotates keys by kid: old tokens work until their key is retired; the signing key cannot be', async () => {
    const admin = await signIn(ADMIN.email, ADMIN.password);
    const client = await asGateway(admin.viewer);
    const oldKid = decodeProtectedHeader(admin.token).kid!;
    const { rotateSigningKey } = await client.data('mutation { rotateSigningKey { kid } }');
    expect(rotateSigningKey.kid).not.toBe(oldKid);

    const fresh = await signIn(ADMIN.email, ADMIN.password);
    expect(decodeProtectedHeader(fresh.token).kid).toBe(rotateSigningKey.kid);
    const published = (await (await fetch(`${origin()}${JWKS_PATH}`)).json()) as { keys: Array<{ kid: string }> };
    expect(published.keys.map((key) => key.kid).sort()).toEqual([oldKid, rotateSigningKey.kid].sort());
    expect(await confirm(admin.token)).toEqual({ viewer: admin.viewer });

    const RETIRE = 'mutation($k: String!) { retireSigningKey(kid: $k) { kid retiredAt } }';
    expect(codes(await client.request(RETIRE, { k: rotateSigningKey.kid }))).toEqual(['CONFLICT']);
    expect((await client.data(RETIRE, { k: oldKid })).retireSigningKey.retiredAt).not.toBeNull();
    expect(await confirm(admin.token)).toEqual({ refused: 'invalid token' });
    expect(await confirm(fresh.token)).toEqual({ viewer: fresh.viewer });
    expect(codes(await client.request(RETIRE, { k: 'no-such-kid' }))).toEqual(['NOT_FOUND']);
  });

  it('answers only requests that come through the gateway, except health, readiness and its keys', async () => {
    const plain = new GraphQLClient(users.url);
    const refused = await plain.request('{ __typename }');
    expect(refused.status).toBe(401);
    expect(refused.errors).toEqual([
      {
        message: 'requests must come through the gateway (no viewer assertion)',
        extensions: { code: 'UNAUTHENTICATED' },
      },
    ]);
    // Signed by another key, even under the gateway's kid.
    const stranger = await generateSigningKey();
    const underGatewayKid = { ...stranger, privateJwk: { ...stranger.privateJwk, kid: (await gatewayKey).kid } };
    const forged = await viewerHeader(underGatewayKid, 'users');
    expect((await plain.with(forged).request('{ __typename }')).status).toBe(401);
    // Made for another subgraph.
    expect((await plain.with(await viewerHeader(await gatewayKey, 'sessions')).request('{ __typename }')).status).toBe(
      401,
    );
    expect((await fetch(`${origin()}/health`)).status).toBe(200);
    expect((await fetch(`${origin()}/ready`)).status).toBe(200);

    // A socket without an assertion is closed before any operation (4403 Forbidden).
    const closed = await new Promise<number>((resolve) => {
      const client = createClient({
        url: users.url.replace('http', 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        on: { closed: (event) => resolve((event as { code: number }).code) },
      });
      client.subscribe(
        { query: '{ __typename }' },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      );
    });
    expect(closed).toBe(4403);
  });

  it('confirms no expired, forged or malformed token, nor one with claims it never issues', async () => {
    const { register } = await (
      await asGateway()
    ).data('mutation { register(email: "forged@example.com", password: "long-enough-pw") { token user { id } } }');
    const sql = await sqlClient(users.db);
    const { rows } = await sql
      .query('select private_jwk from users.signing_keys where kid = $1', [decodeProtectedHeader(register.token).kid])
      .finally(() => sql.end());
    const sign = async (jwk: JWK, claims: Record<string, unknown>, exp: number) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid })
        .setIssuer(TOKEN_ISSUER)
        .setSubject(register.user.id)
        .setExpirationTime(exp)
        .sign(await importJWK(jwk, 'EdDSA'));
    const hour = Math.floor(Date.now() / 1000) + 3600;
    const own = rows[0].private_jwk as JWK;
    // The real thing, for comparison.
    expect(await confirm(await sign(own, { typ: 'user', role: 'USER', sv: 0 }, hour))).toEqual({
      viewer: { kind: 'user', id: register.user.id, role: 'USER', scopes: [] },
    });
    // Signed by users' own key, an hour after it expired.
    expect(await confirm(await sign(own, { typ: 'user', role: 'USER', sv: 0 }, hour - 7200))).toEqual({
      refused: 'token expired',
    });
    // Another key, once under a kid nobody published and once under users' own kid.
    const stranger = (await generateSigningKey()).privateJwk;
    expect(await confirm(await sign(stranger, { typ: 'user', role: 'ADMIN', sv: 0 }, hour))).toEqual({
      refused: 'invalid token',
    });
    expect(
      await confirm(await sign({ ...stranger, kid: own.kid }, { typ: 'user', role: 'ADMIN', sv: 0 }, hour)),
    ).toEqual({ refused: 'invalid token' });
    // users' own key, but claims it never issues (no session version).
    expect(await confirm(await sign(own, { typ: 'user', role: 'ADMIN' }, hour))).toEqual({ refused: 'invalid token' });
    // Not a token at all.
    const empty = await fetch(`${origin()}${CONFIRM_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(empty.status).toBe(400);
  });

  it("refuses an assertion made before its viewer's password or role changed", async () => {
    const anonymous = await asGateway();
    const { register } = await anonymous.data(
      'mutation { register(email: "stale@example.com", password: "first-password-1") { token user { id } } }',
    );
    const viewer: Viewer = { kind: 'user', id: register.user.id, role: 'USER', scopes: [] };
    const before = await asGateway(viewer);
    expect((await before.data('{ me { email } }')).me.email).toBe('stale@example.com');

    await before.data(
      'mutation { changePassword(currentPassword: "first-password-1", newPassword: "second-password-2") { token } }',
    );
    const stale = await before.request('{ me { email } }');
    expect(stale.status).toBe(401);
    expect(stale.errors?.[0]?.message).toBe(
      'requests must come through the gateway (viewer assertion made before the session changed)',
    );
    // The gateway confirms the caller again and asserts anew.
    expect((await (await asGateway(viewer)).data('{ me { email } }')).me.email).toBe('stale@example.com');
    expect(await confirm(register.token)).toEqual({ refused: 'session ended, sign in again' });
  });
});
