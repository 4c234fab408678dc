// Accounts: registering, signing in, changing the password, updating and deleting oneself.
import { codes, type AloneInFile } from '@switchyard/testing';
import { type Alone, useUsers, confirm, newUser, PASSWORD, userViewer } from './alone.js';

const running = useUsers();
let users: Alone;
let sql: AloneInFile['sql'];
beforeAll(() => ({ alone: users, sql } = running));

const ME = '{ me { id email role watchlist { ticker { symbol } high low } } }';
const WATCH =
  'mutation($s: String!, $h: Float!, $l: Float!) { watch(symbol: $s, high: $h, low: $l) { ticker { symbol followers } high low } }';
const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';

describe('accounts', () => {
  it('registers, signs in with a token users confirms, and shows the user to themselves', async () => {
    const email = `flow-${Date.now()}@example.com`;
    const anonymous = await users.as();
    const registered = await anonymous.data(
      'mutation($e: String!) { register(email: $e, password: "long-enough-pw") { token user { id email role } } }',
      { e: email },
    );
    expect(registered.register.user).toMatchObject({ email, role: 'USER' });

    const { login } = await anonymous.data(
      'mutation($e: String!) { login(email: $e, password: "long-enough-pw") { token expiresAt user { id } } }',
      { e: email },
    );
    expect(new Date(login.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(login.user.id).toBe(registered.register.user.id);
    // The gateway confirms the token and asserts whom users named.
    const viewer = userViewer(registered.register.user.id);
    expect(await confirm(users, login.token)).toEqual({ viewer });
    const me = await users.as(viewer);
    expect((await me.data(ME)).me).toEqual({ id: registered.register.user.id, email, role: 'USER', watchlist: [] });
  });

  it('changes passwords (ending old sessions), updates and deletes accounts with their watchlists', async () => {
    const user = await newUser(users);
    const old = await users.as(user.viewer);
    await old.data(WATCH, { s: 'GONE', h: 3, l: 2 });
    const CHANGE =
      'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { token } }';
    expect(codes(await old.request(CHANGE, { c: 'wrong-password', n: 'another-long-one' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const { changePassword } = await old.data(CHANGE, { c: PASSWORD, n: 'another-long-one' });

    // The token from before the change is refused; the one the change returned works.
    expect(await confirm(users, user.token)).toEqual({ refused: 'session ended, sign in again' });
    expect(await confirm(users, changePassword.token)).toEqual({ viewer: user.viewer });
    // So is the assertion made before the change (the gateway confirms the caller again).
    const stale = await old.request('{ me { id } }');
    expect(codes(stale)).toEqual(['UNAUTHENTICATED']);
    expect(stale.errors?.[0]?.message).toMatch(/made before the session changed/);
    const me = await users.as(user.viewer);
    expect((await me.data('{ me { id } }')).me.id).toBe(user.id);
    const anonymous = await users.as();
    expect(codes(await anonymous.request(LOGIN, { e: user.email, p: PASSWORD }))).toEqual(['UNAUTHENTICATED']);
    await anonymous.data(LOGIN, { e: user.email, p: 'another-long-one' });

    const renamed = `renamed-${user.email}`;
    const UPDATE = 'mutation($id: ID!, $e: String) { updateUser(id: $id, input: { email: $e }) { email } }';
    expect((await me.data(UPDATE, { id: user.id, e: renamed.toUpperCase() })).updateUser.email).toBe(renamed);

    expect((await me.data('mutation($id: ID!) { deleteUser(id: $id) }', { id: user.id })).deleteUser).toBe(true);
    const watches = await sql.query('select count(*)::int as n from users.watches where user_id = $1', [user.id]);
    expect(watches.rows[0].n).toBe(0);
    // A deleted user's token no longer confirms, and what was asserted for them is refused.
    expect(await confirm(users, changePassword.token)).toEqual({ refused: 'session ended, sign in again' });
    expect(codes(await me.request(WATCH, { s: 'GONE', h: 3, l: 2 }))).toEqual(['UNAUTHENTICATED']);
  });
});
