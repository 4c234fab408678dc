// Watchlists and what they make of tickers: followers, prices, means.
import { type AloneInFile } from '@switchyard/testing';
import { type Alone, useUsers, newUser } from './alone.js';

const running = useUsers();
let users: Alone;
let sql: AloneInFile['sql'];
beforeAll(() => ({ alone: users, sql } = running));

const ME = '{ me { id email role watchlist { ticker { symbol } high low } } }';
const WATCH =
  'mutation($s: String!, $h: Float!, $l: Float!) { watch(symbol: $s, high: $h, low: $l) { ticker { symbol followers } high low } }';

describe('watchlists and tickers', () => {
  it('watch → ticker (prices, means, pages) → unwatch', async () => {
    const user = await newUser(users, 'flow');
    const me = await users.as(user.viewer);
    expect((await me.data(ME)).me).toEqual({ id: user.id, email: user.email, role: 'USER', watchlist: [] });

    const { watch } = await me.data(WATCH, { s: 'FLOW', h: 120, l: 80 });
    expect(watch).toEqual({ ticker: { symbol: 'FLOW', followers: 1 }, high: 120, low: 80 });
    expect((await me.data(ME)).me.watchlist).toEqual([{ ticker: { symbol: 'FLOW' }, high: 120, low: 80 }]);

    // Prices arrive from the collector; here they are seeded directly: one old, three recent.
    await sql.query(
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
      { a: ticker.prices.pageInfo.endCursor },
    );
    expect(next.ticker.prices).toEqual({ nodes: [{ price: 100 }, { price: 10 }], pageInfo: { hasNextPage: false } });

    expect((await me.data('mutation { unwatch(symbol: "FLOW") }')).unwatch).toBe(true);
    expect((await me.data('mutation { unwatch(symbol: "FLOW") }')).unwatch).toBe(false);
    expect((await me.data('{ ticker(symbol: "FLOW") { followers } }')).ticker.followers).toBe(0);
    expect((await me.data(ME)).me.watchlist).toEqual([]);
  });

  it('keeps followers exact under concurrent watch and unwatch', async () => {
    const people = await Promise.all(Array.from({ length: 8 }, () => newUser(users, 'crowd')));
    const clients = await Promise.all(people.map((p) => users.as(p.viewer)));
    // Everyone watches, then half unwatch while the other half update their thresholds, all at once.
    await Promise.all(clients.map((client) => client.data(WATCH, { s: 'HOT', h: 10, l: 1 })));
    await Promise.all(
      clients.map((client, i) =>
        i % 2 === 0
          ? client.data('mutation { unwatch(symbol: "HOT") }')
          : client.data(WATCH, { s: 'HOT', h: 20, l: 2 }),
      ),
    );
    const counted = await sql.query("select count(*)::int as n from users.watches where symbol = 'HOT'");
    expect(counted.rows[0].n).toBe(4);
    expect((await clients[1]!.data('{ ticker(symbol: "HOT") { followers } }')).ticker.followers).toBe(4);
  });
});
