import { loginAdmin, newUser, statementsSoFar, useStack } from './stack.js';

// Tokens stay confirmed for the whole test, however slow the machine.
const run = useStack({ gateway: { AUTH_CACHE_SEC: '3600' } });

const QUERY = '{ users(first: 50) { nodes { email watchlist { high ticker { symbol latestPrice followers } } } } }';

async function statementsFor(token: string): Promise<{ count: number; users: number }> {
  const before = await statementsSoFar(run.users);
  const { users } = await run.client.as(token).data(QUERY);
  return { count: (await statementsSoFar(run.users)) - before, users: users.nodes.length };
}

async function addUsersWithWatches(n: number) {
  for (let i = 0; i < n; i++) {
    const user = await newUser(run.client, 'np1');
    for (const symbol of [`S${i}`, 'SHARED']) {
      await run.client
        .as(user.token)
        .data('mutation($s: String!) { watch(symbol: $s, high: 10, low: 1) { high } }', { s: symbol });
    }
  }
  await run.sql.query(
    'insert into users.prices (symbol, at, price) select symbol, now(), 5 from users.tickers on conflict do nothing',
  );
}

describe('users { watchlist { ticker { latestPrice followers } } }', () => {
  it('runs the same number of SQL statements for 3 users as for 40', async () => {
    const admin = await loginAdmin(run.client);
    // The gateway confirms the token with users once: not counted here.
    await run.client.as(admin).data('{ me { id } }');
    await addUsersWithWatches(3);
    const few = await statementsFor(admin);
    await addUsersWithWatches(37);
    const many = await statementsFor(admin);

    expect(few.users).toBe(4); // 3 + the admin
    expect(many.users).toBe(41);
    expect(many.count).toBe(few.count);
    // users page, watches, followers, latest prices
    expect(many.count).toBeLessThanOrEqual(4);
  });
});
