// users' retention tasks, run as the cleanup worker runs them, on users' own database.
import { openDatabase, type Orm, runRetention } from '@switchyard/kit';
import { freshDatabase, rolledBack } from '@switchyard/testing';
import { entities, migrations } from '../entities.js';
import { pricesRetention } from '../retention/prices.retention.js';
import { tickersRetention } from '../retention/tickers.retention.js';

let orm: Orm;
const DAY = 86_400_000;

beforeAll(async () => {
  orm = await openDatabase({ url: await freshDatabase(), schema: 'users', entities, migrations });
});
afterAll(() => orm?.close());

// Each test in a transaction rolled back after it: neither sees the other's rows.
it('PRICES deletes the prices older than PRICE_RETENTION_DAYS, batch after batch, and no newer one', () =>
  rolledBack(orm.em.fork(), async (em) => {
    await em.execute("insert into tickers (symbol) values ('OLD')");
    for (const daysAgo of [30, 20, 15, 13, 1]) {
      await em.execute("insert into prices (symbol, at, price) values ('OLD', ?, 1)", [
        new Date(Date.now() - daysAgo * DAY),
      ]);
    }
    const batches: number[] = [];
    // A batch of 2 rows: three old prices take two batches, the second short.
    expect(await runRetention(pricesRetention, em, { PRICE_RETENTION_DAYS: 14 }, 2, (n) => batches.push(n))).toBe(3);
    expect(batches).toEqual([2, 1]);
    expect(await runRetention(pricesRetention, em, { PRICE_RETENTION_DAYS: 14 }, 2)).toBe(0);
    // A shorter retention setting reaches further.
    expect(await runRetention(pricesRetention, em, { PRICE_RETENTION_DAYS: 0.5 }, 2)).toBe(2);
  }));

it('TICKERS deletes the tickers nobody watches, never a watched one', () =>
  rolledBack(orm.em.fork(), async (em) => {
    await em.execute("insert into tickers (symbol) values ('LONELY'), ('LOVED')");
    const [user] = await em.execute(
      "insert into users (id, email, password_hash) values (gen_random_uuid(), 'fan@example.com', 'x') returning id",
    );
    await em.execute("insert into watches (user_id, symbol, high, low) values (?, 'LOVED', 2, 1)", [user.id]);
    expect(await runRetention(tickersRetention, em, {}, 100)).toBe(1);
    const left = await em.execute('select symbol from tickers order by symbol');
    expect(left).toEqual([{ symbol: 'LOVED' }]);
  }));
