// Who may see and change what: users keep to their own data; roles are an admin's to give.
import { codes, type AloneInFile } from '@switchyard/testing';
import { type Alone, useUsers, confirm, newUser, signInAdmin, userViewer } from './alone.js';

const running = useUsers();
let users: Alone;
let sql: AloneInFile['sql'];
beforeAll(() => ({ alone: users, sql } = running));

const WATCH = 'mutation($s: String!, $h: Float!, $l: Float!) { watch(symbol: $s, high: $h, low: $l) { high } }';
const PROMOTE = 'mutation($id: ID!, $r: Role) { updateUser(id: $id, input: { role: $r }) { role } }';

describe('access to users', () => {
  it("keeps a second user away from the first user's data", async () => {
    const first = await newUser(users);
    const second = await newUser(users);
    await (await users.as(first.viewer)).data(WATCH, { s: 'MINE', h: 2, l: 1 });
    const other = await users.as(second.viewer);

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
    expect(codes(await other.request(PROMOTE, { id: second.id, r: 'ADMIN' }))).toEqual(['FORBIDDEN']);

    const still = await sql.query(
      'select u.email, w.symbol from users.users u join users.watches w on w.user_id = u.id where u.id = $1',
      [first.id],
    );
    expect(still.rows).toEqual([{ email: first.email, symbol: 'MINE' }]);
  });

  it('gives the role an admin sets at once to the tokens already issued, and ends assertions of the old one', async () => {
    const admin = await users.as((await signInAdmin(users)).viewer);
    const promoted = await newUser(users, 'promoted');
    expect((await admin.data(PROMOTE, { id: promoted.id, r: 'ADMIN' })).updateUser.role).toBe('ADMIN');
    // The token was issued to a USER; users confirms it as the ADMIN the account is now.
    expect(await confirm(users, promoted.token)).toEqual({ viewer: userViewer(promoted.id, 'ADMIN') });
    const asAdmin = await users.as(userViewer(promoted.id, 'ADMIN'));
    expect((await asAdmin.data('{ users(first: 1) { nodes { id } } }')).users.nodes).toHaveLength(1);

    await admin.data(PROMOTE, { id: promoted.id, r: 'USER' });
    expect(await confirm(users, promoted.token)).toEqual({ viewer: promoted.viewer });
    // What was asserted while they were admin is refused, so they cannot promote themselves back...
    const stale = await asAdmin.request(PROMOTE, { id: promoted.id, r: 'ADMIN' });
    expect(codes(stale)).toEqual(['UNAUTHENTICATED']);
    expect(stale.errors?.[0]?.message).toMatch(/made before the session changed/);
    // ...and as the USER they are now, they may not.
    const asUser = await users.as(promoted.viewer);
    expect(codes(await asUser.request('{ users(first: 1) { nodes { id } } }'))).toEqual(['FORBIDDEN']);
    expect(codes(await asUser.request(PROMOTE, { id: promoted.id, r: 'ADMIN' }))).toEqual(['FORBIDDEN']);
  });
});
