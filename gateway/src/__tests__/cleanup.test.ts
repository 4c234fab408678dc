import type pg from 'pg';
import { codes, sqlClient, Stack } from '@switchyard/testing';
import { loginAdmin, newUser, type Running, startStack } from './stack.js';

const stack = new Stack();
let run: Running;
let sql: pg.Client;

beforeAll(async () => {
  // No mailer here: it would send (and so change) the outbox rows the retention test plants.
  run = await startStack(stack, {
    ingestion: { MAILER: 'false' },
    cleanup: { CLEANUP_BATCH: '3' },
  });
  sql = await sqlClient(run.db);
});
afterAll(async () => {
  await sql?.end();
  await stack.close();
});

const RUN =
  'mutation($j: CleanupJob!) { runCleanup(job: $j) { job trigger finishedAt error deleted { reason count } } }';

describe('cleanup', () => {
  it('deletes exactly the old prices and the unfollowed tickers, in batches, and records each run', async () => {
    const user = await newUser(run.client);
    await run.client.as(user.token).data('mutation { watch(symbol: "KEEP", high: 2, low: 1) { high } }');
    await sql.query("insert into users.tickers (symbol) values ('GONE1'), ('GONE2')");
    // 7 old and 4 recent prices for KEEP, 2 old and 1 recent for GONE1.
    await sql.query(`insert into users.prices (symbol, at, price)
      select 'KEEP', now() - (i || ' days')::interval, i from generate_series(15, 21) i
      union all select 'KEEP', now() - (i || ' days')::interval, i from generate_series(1, 4) i
      union all select 'GONE1', now() - (i || ' days')::interval, i from generate_series(20, 21) i
      union all select 'GONE1', now() - interval '1 day', 1`);
    const admin = run.client.as(await loginAdmin(run.client));

    expect(codes(await run.client.as(user.token).request(RUN, { j: 'PRICES' }))).toEqual(['FORBIDDEN']);
    const prices = (await admin.data(RUN, { j: 'PRICES' })).runCleanup;
    expect(prices).toMatchObject({
      job: 'PRICES',
      trigger: 'ADMIN',
      error: null,
      deleted: [{ reason: 'price past retention', count: 9 }],
    });
    const left = await sql.query('select symbol, count(*)::int as n from users.prices group by symbol order by symbol');
    expect(left.rows).toEqual([
      { symbol: 'GONE1', n: 1 },
      { symbol: 'KEEP', n: 4 },
    ]);
    expect(
      (await sql.query("select count(*)::int as n from users.prices where at < now() - interval '14 days'")).rows[0].n,
    ).toBe(0);

    const tickers = (await admin.data(RUN, { j: 'TICKERS' })).runCleanup;
    expect(tickers.deleted).toEqual([{ reason: 'ticker nobody follows', count: 2 }]);
    expect((await sql.query('select symbol from users.tickers')).rows).toEqual([{ symbol: 'KEEP' }]);
    expect((await sql.query("select count(*)::int as n from users.prices where symbol = 'GONE1'")).rows[0].n).toBe(0);

    const { cleanupRuns } = await admin.data('{ cleanupRuns { job trigger deleted { count } finishedAt } }');
    expect(cleanupRuns.map((r: any) => [r.job, r.trigger, r.deleted[0].count])).toEqual([
      ['TICKERS', 'ADMIN', 2],
      ['PRICES', 'ADMIN', 9],
    ]);
    expect(cleanupRuns.every((r: any) => r.finishedAt)).toBe(true);
  });

  it('drops mail done long ago, never mail still due', async () => {
    const user = await newUser(run.client, 'mailed');
    await sql.query(
      `insert into ingestion.outbox (alert_id, user_id, symbol, kind, price, threshold, triggered_at, status)
       values (gen_random_uuid(), $1, 'X', 'HIGH', 2, 1, now() - interval '40 days', 'SENT'),
              (gen_random_uuid(), $1, 'X', 'HIGH', 2, 1, now() - interval '40 days', 'DEAD'),
              (gen_random_uuid(), $1, 'X', 'HIGH', 2, 1, now() - interval '40 days', 'PENDING'),
              (gen_random_uuid(), $1, 'X', 'HIGH', 2, 1, now() - interval '2 days', 'SENT')`,
      [user.id],
    );
    const admin = run.client.as(await loginAdmin(run.client));
    expect((await admin.data(RUN, { j: 'OUTBOX' })).runCleanup.deleted[0].count).toBe(2);
    const left = await sql.query('select status from ingestion.outbox order by status');
    expect(left.rows.map((r) => r.status)).toEqual(['PENDING', 'SENT']);
  });

  it('puts every job on its schedule', async () => {
    const schedules = await sql.query('select name, cron from sy_jobs.schedule order by name');
    expect(schedules.rows.map((r) => r.name)).toEqual([
      'cleanup-batches',
      'cleanup-idempotency',
      'cleanup-orphans',
      'cleanup-outbox',
      'cleanup-prices',
      'cleanup-readings',
      'cleanup-tickers',
    ]);
  });

  it("drops the sessions of users deleted while sessions was down, and nobody else's", async () => {
    const admin = run.client.as(await loginAdmin(run.client));
    const kept = await newUser(run.client, 'kept');
    const gone = await Promise.all([1, 2, 3, 4].map(() => newUser(run.client, 'gone')));
    const create = 'mutation($i: SessionInput!) { createSession(input: $i) { id } }';
    for (const user of [kept, ...gone]) {
      for (const minute of [0, 1]) {
        await run.client.as(user.token).data(create, {
          i: { activity: 'RUN', startedAt: `2026-03-01T07:0${minute}:00.000Z`, durationSec: 600 },
        });
      }
    }
    // As if the user.deleted event never reached sessions.
    await sql.query('delete from users.users where id = any($1::uuid[])', [gone.map((u) => u.id)]);
    const { runCleanup } = await admin.data(RUN, { j: 'ORPHANS' });
    expect(runCleanup.deleted).toEqual([{ reason: 'session of a deleted user', count: 8 }]);
    const left = await sql.query('select distinct user_id from sessions.sessions');
    expect(left.rows.map((r) => r.user_id)).toEqual([kept.id]);
  });

  it('forgets reading batches past retention, and only those', async () => {
    await sql.query(
      `insert into ingestion.reading_batches (batch_id, payload_hash, created_at)
       values ('user:x:old', 'h', now() - interval '8 days'), ('user:x:new', 'h', now() - interval '6 days')`,
    );
    const admin = run.client.as(await loginAdmin(run.client));
    expect((await admin.data(RUN, { j: 'BATCHES' })).runCleanup.deleted[0].count).toBe(1);
    const left = await sql.query("select batch_id from ingestion.reading_batches where batch_id like 'user:x:%'");
    expect(left.rows).toEqual([{ batch_id: 'user:x:new' }]);
  });

  it('drops idempotency keys past their expiry, and only those', async () => {
    await sql.query(
      `insert into gateway.idempotency_keys (caller, key, request_hash, status, expires_at)
       values ('ip:1', 'old-1', 'h', 'DONE', now() - interval '1 hour'),
              ('ip:1', 'old-2', 'h', 'RUNNING', now() - interval '1 minute'),
              ('ip:1', 'fresh', 'h', 'DONE', now() + interval '1 hour')`,
    );
    const admin = run.client.as(await loginAdmin(run.client));
    expect((await admin.data(RUN, { j: 'IDEMPOTENCY' })).runCleanup.deleted).toEqual([
      { reason: 'idempotency key past its expiry', count: 2 },
    ]);
    const left = await sql.query("select key from gateway.idempotency_keys where caller = 'ip:1'");
    expect(left.rows).toEqual([{ key: 'fresh' }]);
  });
});
