import { freshDatabase } from '@switchyard/testing';
import type { Orm } from '../db.js';
import { openBareDatabase } from './db-helpers.js';
import { columns, columnsBy, statement } from '../sql.js';

let orm: Orm;
beforeAll(async () => {
  orm = await openBareDatabase(await freshDatabase('sql'));
});
afterAll(() => orm?.close());

describe('statement (typed SQL with named parameters)', () => {
  const window = statement<{ from: Date | null; to: Date | null; n: number }, { n: number; open: boolean }>(
    `/* window */ select :n::int as n, (:from::timestamptz is null or :to::timestamptz is null) as open,
       ':not_a_parameter' as text, 1 as "col:umn" -- and :nor_this
     from (select 1) as "x:y"`,
  );

  it('binds each name wherever it appears, and leaves casts, strings, identifiers and comments alone', async () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(await window(orm.em.fork(), { from: at, to: null, n: 7 })).toEqual([
      { n: 7, open: true, text: ':not_a_parameter', 'col:umn': 1 },
    ]);
    expect((await window(orm.em.fork(), { from: at, to: at, n: 1 }))[0]).toMatchObject({ n: 1, open: false });
  });

  it('refuses a positional "?" when declared, and a parameter missing when called', async () => {
    expect(() => statement('select ? as x')).toThrow(/name their parameters/);
    expect(statement('select \'?\' as x, 1 as "?"')).toBeInstanceOf(Function);
    await expect(window(orm.em.fork(), { from: null, n: 1 } as never)).rejects.toThrow(':to was not given');
  });
});

describe('columns of rows (for unnest statements)', () => {
  const rows = [
    { id: 'a', at: new Date(1000), value: 1.5 },
    { id: 'b', at: new Date(2000), value: -2 },
  ];

  it('takes named fields, or what functions make of each row, in row order', () => {
    expect(columns(rows, ['id', 'value'])).toEqual({ id: ['a', 'b'], value: [1.5, -2] });
    expect(columnsBy(rows, { ids: (r) => r.id.toUpperCase(), times: (r) => r.at.getTime() })).toEqual({
      ids: ['A', 'B'],
      times: [1000, 2000],
    });
    expect(columnsBy([], { ids: (r: { id: string }) => r.id })).toEqual({ ids: [] });
  });
});
