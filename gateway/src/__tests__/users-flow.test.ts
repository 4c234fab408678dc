// A caller's token as the gateway confirms it with users, request by request: refused when
// expired, forged or malformed, ended by a password change or the account's deletion, and carrying
// the account's role as it is now. users' own rules (accounts, watchlists, tickers, listings, API
// tokens, who may see what) are tested beside its code, with users alone:
// subgraphs/users/src/__tests__/. Revoked API tokens through the gateway: identity.test.ts.
import { generateSigningKey, TOKEN_ISSUER } from '@switchyard/kit';
import { codes } from '@switchyard/testing';
import { importJWK, type JWK, SignJWT } from 'jose';
import { loginAdmin, newUser, useStack } from './stack.js';

const run = useStack();

const WATCH =
  'mutation($s: String!, $h: Float!, $l: Float!) { watch(symbol: $s, high: $h, low: $l) { ticker { symbol followers } high low } }';

describe("a caller's token through the gateway", () => {
  it('refuses expired, forged and malformed tokens with UNAUTHENTICATED', async () => {
    const user = await newUser(run.client);
    const { rows } = await run.sql.query('select private_jwk from users.signing_keys where retired_at is null');
    const sign = async (jwk: JWK, claims: Record<string, unknown>, exp: number) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid })
        .setIssuer(TOKEN_ISSUER)
        .setSubject(user.id)
        .setExpirationTime(exp)
        .sign(await importJWK(jwk, 'EdDSA'));
    const hour = Math.floor(Date.now() / 1000) + 3600;
    // Signed by users' own key, an hour after it expired.
    const expired = await sign(rows[0].private_jwk, { typ: 'user', role: 'USER', sv: 0 }, hour - 7200);
    // Another key, once under a kid nobody published and once under users' own kid.
    const stranger = (await generateSigningKey()).privateJwk;
    const forged = await sign(stranger, { typ: 'user', role: 'ADMIN', sv: 0 }, hour);
    const impostor = await sign(
      { ...stranger, kid: rows[0].private_jwk.kid },
      { typ: 'user', role: 'ADMIN', sv: 0 },
      hour,
    );
    // users' own key, but claims it never issues (no session version).
    const odd = await sign(rows[0].private_jwk, { typ: 'user', role: 'ADMIN' }, hour);
    expect(codes(await run.client.as(impostor).request('{ users { nodes { id } } }'))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await run.client.as(odd).request('{ users { nodes { id } } }'))).toEqual(['UNAUTHENTICATED']);

    const expiredResult = await run.client.as(expired).request('{ me { id } }');
    expect(codes(expiredResult)).toEqual(['UNAUTHENTICATED']);
    expect(expiredResult.errors?.[0]?.message).toMatch(/expired/);
    expect(codes(await run.client.as(forged).request('{ users { nodes { id } } }'))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await run.client.as('garbage').request('{ me { id } }'))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await run.client.request('{ me { id } }'))).toEqual(['UNAUTHENTICATED']);
    // Public operations still work with a bad token presented.
    expect(
      (
        await run.client
          .as(expired)
          .request('mutation { login(email: "nobody@example.com", password: "whatever-password") { token } }')
      ).errors?.[0]?.extensions?.code,
    ).toBe('UNAUTHENTICATED');
  });

  it('ends sessions through the gateway when the password changes or the account is deleted', async () => {
    const user = await newUser(run.client);
    const old = run.client.as(user.token);
    await old.data(WATCH, { s: 'GONE', h: 3, l: 2 });
    const { changePassword } = await old.data(
      'mutation { changePassword(currentPassword: "correct-horse-battery", newPassword: "another-long-one") { token } }',
    );

    // The token from before the change is refused; the one the change returned works.
    const stale = await old.request('{ me { id } }');
    expect(codes(stale)).toEqual(['UNAUTHENTICATED']);
    expect(stale.errors?.[0]?.message).toMatch(/session ended/);
    const me = run.client.as(changePassword.token);
    expect((await me.data('{ me { id } }')).me.id).toBe(user.id);

    expect((await me.data('mutation($id: ID!) { deleteUser(id: $id) }', { id: user.id })).deleteUser).toBe(true);
    // A deleted user's token no longer works anywhere.
    expect(codes(await me.request(WATCH, { s: 'GONE', h: 3, l: 2 }))).toEqual(['UNAUTHENTICATED']);
  });

  it('applies role changes at once, whatever role the token was issued with', async () => {
    const admin = run.client.as(await loginAdmin(run.client));
    const promoted = await newUser(run.client, 'promoted');
    const PROMOTE = 'mutation($id: ID!, $r: Role) { updateUser(id: $id, input: { role: $r }) { role } }';
    await admin.data(PROMOTE, { id: promoted.id, r: 'ADMIN' });
    // The token was issued to a USER; the account is ADMIN now.
    const asPromoted = run.client.as(promoted.token);
    expect((await asPromoted.data('{ users(first: 1) { nodes { id } } }')).users.nodes).toHaveLength(1);

    await admin.data(PROMOTE, { id: promoted.id, r: 'USER' });
    expect(codes(await asPromoted.request('{ users(first: 1) { nodes { id } } }'))).toEqual(['FORBIDDEN']);
    // ...and cannot promote themselves back with the token from when they were admin.
    expect(codes(await asPromoted.request(PROMOTE, { id: promoted.id, r: 'ADMIN' }))).toEqual(['FORBIDDEN']);
  });
});
