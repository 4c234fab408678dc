// What an admin lists: every user and every followed ticker, page by page.
import type { GraphQLClient } from '@switchyard/testing';
import { sqlClient, Stack } from '@switchyard/testing';
import { type Alone, newUser, signInAdmin, startAlone } from './alone.js';

const stack = new Stack();
let users: Alone;
let sql: Awaited<ReturnType<typeof sqlClient>>;
let admin: GraphQLClient;
beforeAll(async () => {
  users = await startAlone(stack);
  sql = await sqlClient(users.db);
  admin = await users.as((await signInAdmin(users)).viewer);
});
afterAll(async () => {
  await sql?.end();
  await stack.close();
});

const WATCH = 'mutation($s: String!, $h: Float!, $l: Float!) { watch(symbol: $s, high: $h, low: $l) { high } }';

/** Every user's id, following `users` pages of `size` to the end. */
async function pageThrough(size: number): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 500; guard++) {
    const page: any = (
      await admin.data(
        'query($n: Int, $a: String) { users(first: $n, after: $a) { nodes { id } pageInfo { endCursor hasNextPage } } }',
        { n: size, a: after },
      )
    ).users;
    seen.push(...page.nodes.map((n: { id: string }) => n.id));
    if (!page.pageInfo.hasNextPage) return seen;
    after = page.pageInfo.endCursor;
  }
  throw new Error('users pages never ended');
}

const allIds = async () =>
  (await sql.query('select id from users.users order by created_at, id')).rows.map((r) => r.id);

describe('admin listings', () => {
  it('lets an admin list users and tickers, page by page', async () => {
    const a = await newUser(users);
    await (await users.as(a.viewer)).data(WATCH, { s: 'ADM', h: 5, l: 1 });
    // A few more, so that pages of 2 are several.
    for (let i = 0; i < 3; i++) await newUser(users, 'more');

    const seen = await pageThrough(2);
    expect(seen).toEqual(await allIds());
    expect(seen.length).toBeGreaterThan(4);

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

  it('pages one row at a time without repeating or skipping', async () => {
    await Promise.all(Array.from({ length: 4 }, () => newUser(users, 'single')));
    const seen = await pageThrough(1);
    expect(seen).toEqual(await allIds());
    expect(new Set(seen).size).toBe(seen.length);
  });
});
