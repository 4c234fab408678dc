import { generateSigningKey, TOKEN_ISSUER } from '@switchyard/kit';
import { codes } from '@switchyard/testing';
import { importJWK, type JWK, SignJWT } from 'jose';
import { loginAdmin, newUser, useStack } from './stack.js';

const run = useStack();

const ME = '{ me { id email role watchlist { ticker { symbol } high low } } }';
const WATCH =
  'mutation($s: String!, $h: Float!, $l: Float!) { watch(symbol: $s, high: $h, low: $l) { ticker { symbol followers } high low } }';

describe('users & tickers through the gateway', () => {
  it('register → login → me → watch → ticker → unwatch', async () => {
    const email = `flow-${Date.now()}@example.com`;
    const registered = await run.client.data(
      'mutation($e: String!) { register(email: $e, password: "long-enough-pw") { token user { id email role } } }',
      { e: email },
    );
    expect(registered.register.user).toMatchObject({ email, role: 'USER' });

    const { login } = await run.client.data(
      'mutation($e: String!) { login(email: $e, password: "long-enough-pw") { token expiresAt user { id } } }',
      { e: email },
    );
    expect(new Date(login.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const me = run.client.as(login.token);
    expect((await me.data(ME)).me).toEqual({ id: registered.register.user.id, email, role: 'USER', watchlist: [] });

    const { watch } = await me.data(WATCH, { s: 'FLOW', h: 120, l: 80 });
    expect(watch).toEqual({ ticker: { symbol: 'FLOW', followers: 1 }, high: 120, low: 80 });

    // Prices arrive from the collector; here they are seeded directly: one old, three recent.
    await run.sql.query(
      `insert into users.prices (symbol, at, price) values
       ('FLOW', now() - interval '3 days', 10), ('FLOW', now() - interval '3 hours', 100),
       ('FLOW', now() - interval '2 hours', 110), ('FLOW', now() - interval '1 hour', 90)`,
    );
    const { ticker } = await me.data(
      '{ ticker(symbol: "FLOW") { symbol followers latestPrice mean week: mean(window: "7d") prices(first: 2) { nodes { price } pageInfo { hasNextPage endCursor } } } }',
    );
    expect(ticker).toMatchObject({ symbol: 'FLOW', followers: 1, latestPrice: 90, mean: 100, week: 77.5 });
    expect(ticker.prices.nodes).toEqual([{ price: 90 }, { price: 110 }]);
    expect(ticker.prices.pageInfo.hasNextPage).toBe(true);
    const next = await me.data(
      'query($a: String) { ticker(symbol: "FLOW") { prices(first: 5, after: $a) { nodes { price } pageInfo { hasNextPage } } } }',
      {
        a: ticker.prices.pageInfo.endCursor,
      },
    );
    expect(next.ticker.prices).toEqual({ nodes: [{ price: 100 }, { price: 10 }], pageInfo: { hasNextPage: false } });

    expect((await me.data('mutation { unwatch(symbol: "FLOW") }')).unwatch).toBe(true);
    expect((await me.data('mutation { unwatch(symbol: "FLOW") }')).unwatch).toBe(false);
    expect((await me.data('{ ticker(symbol: "FLOW") { followers } }')).ticker.followers).toBe(0);
    expect((await me.data(ME)).me.watchlist).toEqual([]);
  });

  it("keeps a second user away from the first user's data", async () => {
    const first = await newUser(run.client);
    const second = await newUser(run.client);
    await run.client.as(first.token).data(WATCH, { s: 'MINE', h: 2, l: 1 });
    const other = run.client.as(second.token);

    expect(
      codes(await other.request('query($id: ID!) { user(id: $id) { id watchlist { high } } }', { id: first.id })),
    ).toEqual(['FORBIDDEN']);
    expect(
      codes(
        await other.request('mutation($id: ID!) { updateUser(id: $id, input: { email: "x@example.com" }) { id } }', {
          id: first.id,
        }),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(codes(await other.request('mutation($id: ID!) { deleteUser(id: $id) }', { id: first.id }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(
      codes(await other.request('query($id: ID!) { alerts(userId: $id) { nodes { id } } }', { id: first.id })),
    ).toEqual(['FORBIDDEN']);
    expect(codes(await other.request('{ users { nodes { id } } }'))).toEqual(['FORBIDDEN']);
    expect(
      codes(await other.request('mutation { createApiToken(name: "x", scopes: ["benchmarks:write"]) { token } }')),
    ).toEqual(['FORBIDDEN']);
    // A user may promote nobody, themselves included.
    expect(
      codes(
        await other.request('mutation($id: ID!) { updateUser(id: $id, input: { role: ADMIN }) { id } }', {
          id: second.id,
        }),
      ),
    ).toEqual(['FORBIDDEN']);

    const still = await run.sql.query(
      'select u.email, w.symbol from users.users u join users.watches w on w.user_id = u.id where u.id = $1',
      [first.id],
    );
    expect(still.rows).toEqual([{ email: first.email, symbol: 'MINE' }]);
  });

  it('lets an admin list users and tickers, page by page', async () => {
    const a = await newUser(run.client);
    await run.client.as(a.token).data(WATCH, { s: 'ADM', h: 5, l: 1 });
    const admin = run.client.as(await loginAdmin(run.client));

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (
        await admin.data(
          'query($a: String) { users(first: 2, after: $a) { nodes { id email } pageInfo { endCursor hasNextPage } } }',
          { a: after },
        )
      ).users;
      seen.push(...page.nodes.map((n: { id: string }) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const all = await run.sql.query('select id from users.users order by created_at, id');
    expect(seen).toEqual(all.rows.map((r) => r.id));

    const { tickers } = await admin.data('{ tickers(first: 100) { nodes { symbol followers } } }');
    expect(tickers.nodes).toContainEqual({ symbol: 'ADM', followers: 1 });
    expect(
      (await admin.data('query($id: ID!) { user(id: $id) { email watchlist { ticker { symbol } } } }', { id: a.id }))
        .user,
    ).toEqual({
      email: a.email,
      watchlist: [{ ticker: { symbol: 'ADM' } }],
    });
  });

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

  it('issues API tokens that work until revoked, and stores only their hash', async () => {
    const admin = run.client.as(await loginAdmin(run.client));
    const { createApiToken } = await admin.data(
      'mutation { createApiToken(name: "bench rig", scopes: ["benchmarks:write"]) { token apiToken { id name scopes revokedAt } } }',
    );
    expect(createApiToken.apiToken).toMatchObject({ name: 'bench rig', scopes: ['benchmarks:write'], revokedAt: null });
    const machine = run.client.as(createApiToken.token);
    expect((await machine.request('{ ticker(symbol: "NONE") { symbol } }')).errors).toBeUndefined();
    // A machine token is not a user.
    expect(codes(await machine.request('{ me { id } }'))).toEqual(['FORBIDDEN']);

    const stored = await run.sql.query('select token_hash from users.api_tokens where id = $1', [
      createApiToken.apiToken.id,
    ]);
    expect(stored.rows[0].token_hash).not.toContain(createApiToken.token);
    expect(stored.rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);

    await admin.data('mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }', {
      id: createApiToken.apiToken.id,
    });
    const revoked = await machine.request('{ ticker(symbol: "NONE") { symbol } }');
    expect(codes(revoked)).toEqual(['UNAUTHENTICATED']);
  });

  it('changes passwords (ending old sessions), updates and deletes accounts with their watchlists', async () => {
    const user = await newUser(run.client);
    const old = run.client.as(user.token);
    await old.data(WATCH, { s: 'GONE', h: 3, l: 2 });
    const CHANGE =
      'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { token } }';
    expect(codes(await old.request(CHANGE, { c: 'wrong-password', n: 'another-long-one' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const { changePassword } = await old.data(CHANGE, { c: 'correct-horse-battery', n: 'another-long-one' });

    // The token from before the change is refused; the one the change returned works.
    const stale = await old.request('{ me { id } }');
    expect(codes(stale)).toEqual(['UNAUTHENTICATED']);
    expect(stale.errors?.[0]?.message).toMatch(/session ended/);
    const me = run.client.as(changePassword.token);
    expect((await me.data('{ me { id } }')).me.id).toBe(user.id);
    const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';
    expect(codes(await run.client.request(LOGIN, { e: user.email, p: 'correct-horse-battery' }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    await run.client.data(LOGIN, { e: user.email, p: 'another-long-one' });

    const renamed = `renamed-${user.email}`;
    const UPDATE = 'mutation($id: ID!, $e: String) { updateUser(id: $id, input: { email: $e }) { email } }';
    expect((await me.data(UPDATE, { id: user.id, e: renamed.toUpperCase() })).updateUser.email).toBe(renamed);

    expect((await me.data('mutation($id: ID!) { deleteUser(id: $id) }', { id: user.id })).deleteUser).toBe(true);
    const watches = await run.sql.query('select count(*)::int as n from users.watches where user_id = $1', [user.id]);
    expect(watches.rows[0].n).toBe(0);
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

  it('pages one row at a time without repeating or skipping', async () => {
    const admin = run.client.as(await loginAdmin(run.client));
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 500; guard++) {
      const page: any = (
        await admin.data(
          'query($a: String) { users(first: 1, after: $a) { nodes { id } pageInfo { endCursor hasNextPage } } }',
          {
            a: after,
          },
        )
      ).users;
      seen.push(...page.nodes.map((n: { id: string }) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const all = await run.sql.query('select id from users.users order by created_at, id');
    expect(seen).toEqual(all.rows.map((r) => r.id));
  });

  it('keeps followers exact under concurrent watch and unwatch', async () => {
    const people = await Promise.all(Array.from({ length: 8 }, () => newUser(run.client, 'crowd')));
    // Everyone watches, then half unwatch while the other half update their thresholds, all at once.
    await Promise.all(people.map((p) => run.client.as(p.token).data(WATCH, { s: 'HOT', h: 10, l: 1 })));
    await Promise.all(
      people.map((p, i) =>
        i % 2 === 0
          ? run.client.as(p.token).data('mutation { unwatch(symbol: "HOT") }')
          : run.client.as(p.token).data(WATCH, { s: 'HOT', h: 20, l: 2 }),
      ),
    );
    const counted = await run.sql.query("select count(*)::int as n from users.watches where symbol = 'HOT'");
    expect(counted.rows[0].n).toBe(4);
    expect(
      (await run.client.as(people[1]!.token).data('{ ticker(symbol: "HOT") { followers } }')).ticker.followers,
    ).toBe(4);
  });
});
