import { openDatabase, type Orm } from '@switchyard/kit';
import { freshDatabase } from '@switchyard/testing';
import { entities, migrations } from '../entities.js';
import { insertPrices } from '../ticker/prices.js';

let orm: Orm;

beforeAll(async () => {
  orm = await openDatabase({ url: await freshDatabase(), schema: 'users', entities, migrations });
});
afterAll(() => orm?.close());

describe("insertPrices (the collector's write path)", () => {
  it('stores prices of known tickers in one statement, ignoring repeats and unknown symbols', async () => {
    const em = orm.em.fork();
    await em.getConnection().execute("insert into tickers (symbol) values ('AAA'), ('BBB')");
    const at = new Date('2026-11-01T10:00:00Z');
    const stored = await insertPrices(em, [
      { symbol: 'AAA', at, price: 1.5 },
      { symbol: 'BBB', at, price: 2.5 },
      { symbol: 'ZZZ', at, price: 9 },
    ]);
    expect(stored).toBe(2);
    expect(await insertPrices(em, [{ symbol: 'AAA', at, price: 7 }])).toBe(0);
    expect(await insertPrices(em, [])).toBe(0);
    const rows = await em.getConnection().execute('select symbol, price from prices order by symbol');
    expect(rows).toEqual([
      { symbol: 'AAA', price: 1.5 },
      { symbol: 'BBB', price: 2.5 },
    ]);
  });

  it('applies migrations once even when several replicas open the database together', async () => {
    const url = await freshDatabase('replicas');
    const orms = await Promise.all([1, 2, 3].map(() => openDatabase({ url, schema: 'users', entities, migrations })));
    const applied = await orms[0]!.em
      .getConnection()
      .execute('select name, count(*)::int as n from users.mikro_orm_migrations group by name order by name');
    await Promise.all(orms.map((o) => o.close()));
    // Each one once.
    expect(applied).toEqual(migrations.names.map((name) => ({ name, n: 1 })));
  });
});
