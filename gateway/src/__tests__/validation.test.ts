import { type GraphQLResponse } from '@switchyard/testing';
import { newUser, useStack } from './stack.js';

const run = useStack();

async function rowCounts() {
  const { rows } = await run.sql.query(
    `select (select count(*) from users.users)::int as users, (select count(*) from users.tickers)::int as tickers,
            (select count(*) from users.watches)::int as watches, (select count(*) from users.api_tokens)::int as tokens`,
  );
  return rows[0];
}

function rejected(result: GraphQLResponse<unknown>, code: string, field: string) {
  expect(result.errors).toHaveLength(1);
  const [error] = result.errors!;
  expect(error!.extensions?.code).toBe(code);
  expect(error!.message).toContain(field);
  if (code === 'BAD_USER_INPUT') expect(error!.extensions?.field).toBe(field);
}

const REGISTER = 'mutation($e: String!, $p: String!) { register(email: $e, password: $p) { token } }';
const WATCH = 'mutation($s: String!, $h: Float!, $l: Float!) { watch(symbol: $s, high: $h, low: $l) { high } }';

describe('bad input', () => {
  it('is rejected with a code and the field it concerns, and nothing is written', async () => {
    const taken = await newUser(run.client);
    const me = run.client.as(taken.token);
    const before = await rowCounts();

    rejected(await run.client.request(REGISTER, { e: 'not-an-email', p: 'long-enough-pw' }), 'BAD_USER_INPUT', 'email');
    rejected(
      await run.client.request(REGISTER, { e: 'short@example.com', p: 'too-short' }),
      'BAD_USER_INPUT',
      'password',
    );
    rejected(
      await run.client.request(REGISTER, { e: taken.email.toUpperCase(), p: 'long-enough-pw' }),
      'CONFLICT',
      'email',
    );

    for (const symbol of ['aapl', '1ABC', 'TOOLONGSYMBOL', 'A B', '']) {
      rejected(await me.request(WATCH, { s: symbol, h: 2, l: 1 }), 'BAD_USER_INPUT', 'symbol');
    }
    rejected(await me.request(WATCH, { s: 'OK', h: 1, l: 1 }), 'BAD_USER_INPUT', 'high');
    rejected(await me.request(WATCH, { s: 'OK', h: 1, l: 2 }), 'BAD_USER_INPUT', 'high');
    rejected(await me.request(WATCH, { s: 'OK', h: 2, l: -1 }), 'BAD_USER_INPUT', 'low');
    rejected(await me.request(WATCH, { s: 'OK', h: -2, l: -3 }), 'BAD_USER_INPUT', 'high');
    rejected(
      await me.request('mutation($id: ID!) { updateUser(id: $id, input: { email: "nope" }) { id } }', { id: taken.id }),
      'BAD_USER_INPUT',
      'email',
    );
    rejected(
      await me.request(
        'mutation { changePassword(currentPassword: "correct-horse-battery", newPassword: "short") { token } }',
      ),
      'BAD_USER_INPUT',
      'newPassword',
    );
    rejected(await me.request('{ ticker(symbol: "bad!") { symbol } }'), 'BAD_USER_INPUT', 'symbol');

    expect(await rowCounts()).toEqual(before);
    const stored = await run.sql.query('select email from users.users where id = $1', [taken.id]);
    expect(stored.rows[0].email).toBe(taken.email);
  });

  it('names the argument for bad windows, page sizes and cursors', async () => {
    const me = run.client.as((await newUser(run.client)).token);
    await me.data(WATCH, { s: 'WIN', h: 2, l: 1 });
    rejected(await me.request('{ ticker(symbol: "WIN") { mean(window: "forever") } }'), 'BAD_USER_INPUT', 'window');
    rejected(await me.request('{ ticker(symbol: "WIN") { mean(window: "15d") } }'), 'BAD_USER_INPUT', 'window');
    rejected(
      await me.request('{ ticker(symbol: "WIN") { prices(first: 1000) { nodes { price } } } }'),
      'BAD_USER_INPUT',
      'first',
    );
    rejected(
      await me.request('{ ticker(symbol: "WIN") { prices(after: "nonsense") { nodes { price } } } }'),
      'BAD_USER_INPUT',
      'after',
    );
    rejected(
      await me.request(
        '{ ticker(symbol: "WIN") { prices(from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { nodes { price } } } }',
      ),
      'BAD_USER_INPUT',
      'from',
    );
  });

  it('refuses admin-only mutations and bad scopes', async () => {
    const { login } = await run.client.data(
      'mutation { login(email: "admin@test.local", password: "admin-password-1") { token } }',
    );
    const admin = run.client.as(login.token);
    rejected(
      await admin.request('mutation { createApiToken(name: "x", scopes: ["everything"]) { token } }'),
      'BAD_USER_INPUT',
      'scopes.0',
    );
    rejected(
      await admin.request('mutation { createApiToken(name: " ", scopes: ["sensors:write"]) { token } }'),
      'BAD_USER_INPUT',
      'name',
    );
    const self = (await admin.data('{ me { id } }')).me.id;
    // The last admin cannot demote or delete themselves.
    rejected(await admin.request('mutation($id: ID!) { deleteUser(id: $id) }', { id: self }), 'CONFLICT', 'admin');
    rejected(
      await admin.request('mutation($id: ID!) { updateUser(id: $id, input: { role: USER }) { role } }', { id: self }),
      'CONFLICT',
      'admin',
    );
  });
});
