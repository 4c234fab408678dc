// Binary COPY inside a transaction, held to what PostgreSQL reads from text for the same values.
import { freshDatabase } from '@switchyard/testing';
import { binaryCopyRows, type CopyColumn, copyRows } from '../copy.js';
import type { Orm } from '../db.js';
import { openBareDatabase } from './db-helpers.js';
import { statement } from '../sql.js';

let orm: Orm;
beforeAll(async () => {
  orm = await openBareDatabase(await freshDatabase('copy'));
  await orm.em.getConnection().execute(`create table copied (
    id uuid not null, at timestamptz(3) not null, value float8 not null, primary key (id, at))`);
});
afterAll(() => orm?.close());

const TARGET = 'copied (id, at, value)';
const rows = statement<Record<string, never>, { id: string; at: string; value: number }>(
  `/* copiedRows */ select id::text, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, value
   from copied order by id, at`,
);
const columnsOf = (ids: string[], times: number[], values: number[]): CopyColumn[] => [
  { type: 'uuid', values: ids },
  { type: 'timestamptz', values: times },
  { type: 'float8', values },
];

describe('copyRows (binary COPY)', () => {
  beforeEach(() => orm.em.getConnection().execute('truncate copied'));

  it('stores uuids, instants to the ms and doubles exactly as given, before 2000 and long after', async () => {
    const a = '0f8e5a52-3b1c-4c1e-9d2a-7b5e6c4d3a21';
    const b = 'FFFFFFFF-0000-4000-8000-000000000001';
    const instants = [
      '1970-01-01T00:00:00.000Z',
      '1999-12-31T23:59:59.999Z',
      '2000-01-01T00:00:00.001Z',
      '2026-12-05T17:30:01.123Z',
      '2262-04-11T23:47:16.854Z',
      '1901-12-13T20:45:52.001Z',
    ];
    const values = [0, -1.5, 0.1 + 0.2, 5e-324, 1e15, -123456.789];
    const ids = [a, a, a, b, b, b];
    const copied = await orm.em
      .fork()
      .transactional((em) => copyRows(em, TARGET, columnsOf(ids, instants.map(Date.parse), values)));
    expect(copied).toBe(6);
    const expected = ids.map((id, i) => ({ id: id.toLowerCase(), at: instants[i], value: values[i] }));
    const byKey = (x: { id: string; at: string }, y: { id: string; at: string }) =>
      x.id.localeCompare(y.id) || x.at.localeCompare(y.at);
    expect(await rows(orm.em.fork(), {})).toEqual(expected.sort(byKey));
  });

  it('is part of the transaction: a key stored before fails it (23505), and nothing of it stays', async () => {
    const id = '11111111-2222-4333-8444-555555555555';
    await orm.em.fork().transactional((em) => copyRows(em, TARGET, columnsOf([id], [Date.UTC(2026, 0, 1)], [1])));
    const again = orm.em.fork().transactional(async (em) => {
      await copyRows(em, TARGET, columnsOf([id], [Date.UTC(2026, 0, 2)], [2]));
      await copyRows(em, TARGET, columnsOf([id], [Date.UTC(2026, 0, 1)], [3]));
    });
    await expect(again).rejects.toMatchObject({ code: '23505' });
    expect(await rows(orm.em.fork(), {})).toEqual([{ id, at: '2026-01-01T00:00:00.000Z', value: 1 }]);
    // The connection goes back to the pool usable.
    const after = orm.em.fork();
    await after.transactional((em) => copyRows(em, TARGET, columnsOf([id], [Date.UTC(2026, 0, 3)], [4])));
    expect(await rows(after, {})).toHaveLength(2);
  });

  it('makes a COPY in pieces that are the whole one, cut between rows', () => {
    const ids = [
      '0f8e5a52-3b1c-4c1e-9d2a-7b5e6c4d3a21',
      '11111111-2222-4333-8444-555555555555',
      'ffffffff-0000-4000-8000-000000000001',
    ];
    const whole = binaryCopyRows(columnsOf(ids, [0, 1, 2], [0.5, -1, 2]));
    const pieces = Buffer.concat([
      binaryCopyRows(columnsOf(ids.slice(0, 1), [0], [0.5]), { trailer: false }),
      binaryCopyRows(columnsOf(ids.slice(1, 2), [1], [-1]), { header: false, trailer: false }),
      binaryCopyRows(columnsOf(ids.slice(2), [2], [2]), { header: false }),
    ]);
    expect(pieces.equals(whole)).toBe(true);
  });

  it('refuses what its types cannot hold, and to run outside a transaction', async () => {
    const id = '11111111-2222-4333-8444-555555555555';
    expect(() => binaryCopyRows(columnsOf(['not-a-uuid'], [0], [1]))).toThrow(/not a uuid/);
    expect(() => binaryCopyRows(columnsOf([id], [1.5], [1]))).toThrow(/whole ms/);
    expect(() => binaryCopyRows(columnsOf([id], [Date.UTC(2300, 0, 1)], [1]))).toThrow(/from 1715 to 2285/);
    expect(() => binaryCopyRows(columnsOf([id], [Date.UTC(1700, 0, 1)], [1]))).toThrow(/from 1715 to 2285/);
    expect(() => binaryCopyRows(columnsOf([id, id], [0], [1]))).toThrow(/different lengths/);
    await expect(copyRows(orm.em.fork(), TARGET, columnsOf([id], [0], [1]))).rejects.toThrow(/inside a transaction/);
    // Nor with the entity manager of a transaction that is over (its connection is back in the pool).
    let finished: Parameters<typeof copyRows>[0] | undefined;
    await orm.em.fork().transactional(async (em) => void (finished = em));
    await expect(copyRows(finished!, TARGET, columnsOf([id], [0], [1]))).rejects.toThrow(/still open/);
    // A value refused inside a transaction fails it before any COPY starts: the connection goes on.
    const em = orm.em.fork();
    await expect(
      em.transactional(async (tx) => {
        await copyRows(tx, TARGET, columnsOf([id], [Date.UTC(2026, 0, 4)], [1]));
        await tx.transactional((savepoint) => copyRows(savepoint, TARGET, columnsOf(['nope'], [0], [1])));
      }),
    ).rejects.toThrow(/not a uuid/);
    await em.transactional((tx) => copyRows(tx, TARGET, columnsOf([id], [Date.UTC(2026, 0, 5)], [2])));
    expect(await rows(em, {})).toEqual([{ id, at: '2026-01-05T00:00:00.000Z', value: 2 }]);
    // An empty COPY is a COPY of nothing.
    expect(await orm.em.fork().transactional((em) => copyRows(em, TARGET, columnsOf([], [], [])))).toBe(0);
  });
});
