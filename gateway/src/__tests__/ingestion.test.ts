// The market collector through the gateway: replayed series raise exactly the right alerts,
// circuits per provider across replicas, rounds once per interval (and again when a replica dies).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIngestion } from '@switchyard/ingestion';
import { createEventBus, type Service } from '@switchyard/kit';
import { alertRaised } from '@switchyard/users/events';
import { freePort, sqlClient, Stack, startFakeYahoo, waitFor } from '@switchyard/testing';
import { startSmtp } from './smtp.js';
import { extraGateway, loginAdmin, subgraphUrls, newUser, ROOT, type Running, startStack } from './stack.js';
import { expectedAlerts, FEED, mailJobs, replayFile, replicaEnv, WATCH } from './market.js';

describe('the market collector, replaying a known series', () => {
  const stack = new Stack();
  let run: Running;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const acme = [100, 111, 115, 105, 112, 89, 85, 95, 120, 80];
  const beta = [50, 40, 60, 61, 45];

  beforeAll(async () => {
    const file = await replayFile([
      ['ACME', acme],
      ['BETA', beta],
    ]);
    smtp = await startSmtp();
    run = await startStack(stack, { ingestion: { MARKET_PROVIDER: 'replay', REPLAY_FILE: file, SMTP_URL: smtp.url } });
  });
  afterAll(async () => {
    await stack.close();
    await smtp.close();
  });

  it('raises exactly the alerts of each crossing, once, re-arming inside, publishes and mails each once', async () => {
    const alice = await newUser(run.client, 'alice');
    const bob = await newUser(run.client, 'bob');
    await run.client.as(alice.token).data(WATCH, { s: 'ACME', h: 110, l: 90 });
    await run.client.as(bob.token).data(WATCH, { s: 'ACME', h: 113, l: 100 });
    await run.client.as(bob.token).data(WATCH, { s: 'BETA', h: 55, l: 45 });

    const bus = await createEventBus({ databaseUrl: run.db });
    const published: string[] = [];
    await bus.subscribe(alertRaised, (a) => {
      published.push(a.id);
    });
    const admin = run.client.as(await loginAdmin(run.client));
    for (let i = 0; i < acme.length; i++) {
      const { collectNow } = await admin.data('mutation { collectNow { tickers prices alerts error } }');
      expect(collectNow).toMatchObject({ tickers: 2, error: null });
    }

    const ALERTS = '{ alerts(first: 100) { nodes { id kind price threshold ticker { symbol } } } }';
    const mine = async (token: string) =>
      ((await run.client.as(token).data(ALERTS)).alerts.nodes as any[])
        .reverse()
        .map((a) => ({ symbol: a.ticker.symbol, kind: a.kind, price: a.price, threshold: a.threshold, id: a.id }));
    const aliceAlerts = await mine(alice.token);
    const bobAlerts = await mine(bob.token);
    expect(aliceAlerts.map(({ id: _id, symbol: _s, ...a }) => a)).toEqual(expectedAlerts(acme, 110, 90));
    expect(bobAlerts.filter((a) => a.symbol === 'ACME').map(({ id: _id, symbol: _s, ...a }) => a)).toEqual(
      expectedAlerts(acme, 113, 100),
    );
    expect(bobAlerts.filter((a) => a.symbol === 'BETA').map(({ id: _id, symbol: _s, ...a }) => a)).toEqual(
      expectedAlerts(beta, 55, 45),
    );

    const all = [...aliceAlerts, ...bobAlerts].map((a) => a.id).sort();
    await waitFor(async () => published.length >= all.length, 30_000, 'the published alerts');
    expect([...published].sort()).toEqual(all);
    await bus.close();

    // Every alert mailed once, to its owner, saying what crossed what and when.
    await waitFor(async () => smtp.received.length >= all.length, 30_000, 'the mails');
    // A mail's job completes only after the server took it, and a completed job never runs again:
    // once every one has completed, nothing more can arrive.
    const sql = await sqlClient(run.db);
    try {
      await waitFor(
        async () => (await mailJobs(sql)).filter((j) => j.state === 'completed').length === all.length,
        30_000,
        'every mail job completed',
      );
    } finally {
      await sql.end();
    }
    expect(smtp.received.map((m) => m.messageId).sort()).toEqual(all.map((id) => `<alert-${id}@switchyard>`).sort());
    const first = aliceAlerts[0]!;
    const mail = smtp.received.find((m) => m.messageId === `<alert-${first.id}@switchyard>`)!;
    expect(mail.to).toEqual([alice.email]);
    expect(mail.raw).toContain(`ACME rose above 110: now ${first.price}`);
    const mailed = (await run.client.as(alice.token).data('{ alerts { nodes { emailedAt } } }')).alerts.nodes;
    expect(mailed.every((a: { emailedAt: string | null }) => a.emailedAt)).toBe(true);

    const { ticker } = await admin.data(
      '{ ticker(symbol: "ACME") { latestPrice feed { provider circuit consecutiveFailures } } }',
    );
    expect(ticker).toEqual({
      latestPrice: 80,
      feed: { provider: 'replay', circuit: 'CLOSED', consecutiveFailures: 0 },
    });
    const { ingestionStats } = await admin.data(
      '{ ingestionStats { providers { name circuit } rounds failedRounds pricesCollected alertsRaised tickersTracked } }',
    );
    expect(ingestionStats).toMatchObject({
      providers: [{ name: 'replay', circuit: 'CLOSED' }],
      rounds: acme.length,
      failedRounds: 0,
      alertsRaised: all.length,
      tickersTracked: 2,
    });
  });
});

describe('a failing provider', () => {
  const stack = new Stack();
  let run: Running;
  let file: string;

  beforeAll(async () => {
    file = join(await mkdtemp(join(tmpdir(), 'replay-')), 'late.csv');
    run = await startStack(stack, {
      // Long enough for the checks made while it is open, on however busy a machine.
      ingestion: { MARKET_PROVIDER: 'replay', REPLAY_FILE: file, BREAKER_FAILURES: '5', BREAKER_RESET_SEC: '3' },
    });
  });
  afterAll(() => stack.close());

  it('opens the circuit after 5 failures, refuses at once while open, and closes after a half-open success', async () => {
    const user = await newUser(run.client);
    await run.client.as(user.token).data(WATCH, { s: 'ACME', h: 2, l: 1 });
    const admin = run.client.as(await loginAdmin(run.client));
    const collect = async () => (await admin.data('mutation { collectNow { prices error } }')).collectNow;

    for (let i = 1; i <= 5; i++) {
      expect((await collect()).error).toMatch(/ENOENT/);
    }
    let { ticker } = await admin.data(FEED);
    expect(ticker.feed).toMatchObject({ circuit: 'OPEN', consecutiveFailures: 5, lastSuccessAt: null });
    // The provider would answer now; an open circuit refuses without asking it.
    await writeFile(file, 'date,symbol,price\n2026-01-01T00:00:00Z,ACME,1.5\n');
    expect(await collect()).toEqual({ prices: 0, error: expect.stringMatching(/open/i) });

    await waitFor(async () => (await admin.data(FEED)).ticker.feed.circuit === 'HALF_OPEN', 30_000, 'half-open');
    expect(await collect()).toEqual({ prices: 1, error: null });
    ({ ticker } = await admin.data(FEED));
    expect(ticker.feed).toMatchObject({ circuit: 'CLOSED', consecutiveFailures: 0, lastError: null });
    expect(ticker.feed.lastSuccessAt).not.toBeNull();
  });
});

describe('a failing provider on two replicas', () => {
  const stack = new Stack();
  let run: Running;
  let other: Service | undefined;

  beforeAll(async () => {
    const missing = join(await mkdtemp(join(tmpdir(), 'replay-')), 'never.csv');
    const settings = {
      MARKET_PROVIDER: 'replay',
      REPLAY_FILE: missing,
      BREAKER_FAILURES: '4',
      BREAKER_RESET_SEC: '60',
    };
    run = await startStack(stack, { ingestion: settings });
    other = await startIngestion(replicaEnv(run, { ...settings, MAILER: 'false' }));
  });
  afterAll(async () => {
    await other?.close();
    await stack.close();
  });

  it('opens after as many failed rounds as one replica would need, wherever they ran, and both refuse', async () => {
    const user = await newUser(run.client);
    await run.client.as(user.token).data(WATCH, { s: 'ACME', h: 2, l: 1 });
    const token = await loginAdmin(run.client);
    // The second replica behind a gateway of its own (subgraphs answer only through a gateway).
    const viaOther = await extraGateway(stack, run, { SUBGRAPH_URLS: subgraphUrls(run, { ingestion: other!.url }) });
    const replicas = [run.client.as(token), viaOther.client.as(token)];
    const collect = async (i: number) =>
      (await replicas[i % 2]!.data('mutation { collectNow { error } }')).collectNow.error as string;

    for (let i = 0; i < 4; i++) expect(await collect(i)).toMatch(/ENOENT/);
    // The fourth failure (on the second replica) opened it; each replica now refuses at once.
    expect(await collect(4)).toMatch(/open/i);
    expect(await collect(5)).toMatch(/open/i);
    const { ticker } = await replicas[0]!.data(FEED);
    expect(ticker.feed.circuit).toBe('OPEN');
  });
});

describe('two collectors at once', () => {
  const stack = new Stack();
  let run: Running;
  const collectors: Service[] = [];

  beforeAll(async () => {
    run = await startStack(stack);
  });
  afterAll(async () => {
    for (const c of collectors) await c.close();
    await stack.close();
  });

  it('never collect the same round twice', async () => {
    const user = await newUser(run.client);
    for (const s of ['ONE', 'TWO', 'THREE']) await run.client.as(user.token).data(WATCH, { s, h: 1e9, l: 0 });
    const env = replicaEnv(run, { COLLECT_INTERVAL: '1' });
    const sql = await sqlClient(run.db);
    const collected = async () =>
      (await sql.query('select count(*)::int as n from ingestion.rounds where id > 0 and prices > 0')).rows[0]
        .n as number;
    try {
      collectors.push(await startIngestion(env), await startIngestion(env));
      await waitFor(async () => (await collected()) >= 2, 30_000, 'two rounds with both collectors running');
      for (const c of collectors.splice(0)) await c.close();
      const rounds = await collected();
      const perSymbol = await sql.query(
        'select symbol, count(*)::int as n from users.prices group by symbol order by symbol',
      );
      expect(perSymbol.rows).toEqual(['ONE', 'THREE', 'TWO'].map((symbol) => ({ symbol, n: rounds })));
    } finally {
      await sql.end();
    }
  });

  it('runs a round again, once, when the replica running it dies', async () => {
    const yahoo = await startFakeYahoo();
    const sql = await sqlClient(run.db);
    try {
      yahoo.prices.set('DIE', 10);
      const user = await newUser(run.client);
      await run.client.as(user.token).data(WATCH, { s: 'DIE', h: 1e9, l: 0 });
      yahoo.state.hold = true;
      // Every replica runs rounds: the stack's own steps aside, so the one below takes this one.
      await run.ingestion.close();
      const settings = {
        MARKET_PROVIDER: 'yahoo',
        YAHOO_BASE_URL: yahoo.url,
        COLLECT_INTERVAL: '3600',
        COLLECT_TIMEOUT_SEC: '2',
        MAILER: 'false',
      };
      // A replica of its own process offers this hour's round, takes it and hangs on the provider.
      const worker = spawn(process.execPath, [join(ROOT, 'subgraphs/ingestion/dist/main.js')], {
        env: {
          ...process.env,
          ...Object.fromEntries(Object.entries(replicaEnv(run, settings)).map(([k, v]) => [k, String(v)])),
          PORT: String(await freePort()),
          LOG_LEVEL: 'warn',
        },
        // An IPC channel: the worker stops by itself if this test process goes away first.
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      });
      const exited = once(worker, 'exit');
      try {
        await waitFor(async () => yahoo.held.length > 0, 30_000, 'the round to be mid-call');
      } finally {
        worker.kill('SIGKILL');
        await exited;
      }
      const round = Math.floor(Date.now() / 1000 / 3600);
      yahoo.state.hold = false;

      // Another replica, offering no rounds itself, runs it once the dead one's run has timed out.
      collectors.push(await startIngestion(replicaEnv(run, { ...settings, COLLECT_INTERVAL: '0' })));
      const done = await waitFor(
        async () => {
          const { rows } = await sql.query('select prices, finished_at from ingestion.rounds where id = $1', [round]);
          return rows[0]?.finished_at ? rows : undefined;
        },
        30_000,
        'the round run again',
      );
      expect(done).toEqual([{ prices: 1, finished_at: expect.any(Date) }]);
      const stored = await sql.query("select at from users.prices where symbol = 'DIE'");
      expect(stored.rows).toEqual([{ at: new Date(round * 3600 * 1000) }]);
    } finally {
      await sql.end();
      await yahoo.close();
    }
  });
});

describe('without SMTP_URL', () => {
  const stack = new Stack();
  let run: Running;
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'mail-'));
    const file = await replayFile([['DEV', [1, 30]]]);
    run = await startStack(stack, { ingestion: { MARKET_PROVIDER: 'replay', REPLAY_FILE: file, MAIL_FOLDER: folder } });
  });
  afterAll(() => stack.close());

  it('writes alert mails as files to the mail folder', async () => {
    const user = await newUser(run.client, 'dev');
    await run.client.as(user.token).data(WATCH, { s: 'DEV', h: 10, l: 0.5 });
    const admin = run.client.as(await loginAdmin(run.client));
    for (let i = 0; i < 2; i++) await admin.data('mutation { collectNow { error } }');
    const files = await waitFor(
      async () => {
        const names = await readdir(folder);
        return names.length ? names : undefined;
      },
      10_000,
      'a mail file',
    );
    expect(files).toHaveLength(1);
    const mail = await readFile(join(folder, files[0]!), 'utf8');
    expect(mail).toContain(`To: ${user.email}`);
    expect(mail).toContain('DEV rose above 10: now 30');
  });
});

describe('several providers', () => {
  const stack = new Stack();
  let run: Running;

  beforeAll(async () => {
    const missing = join(await mkdtemp(join(tmpdir(), 'replay-')), 'never.csv');
    run = await startStack(stack, {
      ingestion: {
        MARKET_PROVIDER: 'simulated',
        MARKET_ROUTES: '^BAD=replay',
        REPLAY_FILE: missing,
        BREAKER_FAILURES: '3',
      },
    });
  });
  afterAll(() => stack.close());

  it('keep collecting from the healthy one while another fails and its circuit opens', async () => {
    const user = await newUser(run.client);
    for (const s of ['GOOD', 'BADX']) await run.client.as(user.token).data(WATCH, { s, h: 1e9, l: 0 });
    const admin = run.client.as(await loginAdmin(run.client));
    for (let i = 0; i < 5; i++) {
      const { collectNow } = await admin.data('mutation { collectNow { prices error } }');
      expect(collectNow.prices).toBe(1);
      expect(collectNow.error).toMatch(/^replay: /);
    }
    const feeds = await admin.data(
      '{ good: ticker(symbol: "GOOD") { feed { provider circuit consecutiveFailures } } bad: ticker(symbol: "BADX") { feed { provider circuit consecutiveFailures } } }',
    );
    expect(feeds.good.feed).toEqual({ provider: 'simulated', circuit: 'CLOSED', consecutiveFailures: 0 });
    expect(feeds.bad.feed).toEqual({ provider: 'replay', circuit: 'OPEN', consecutiveFailures: 5 });
    const { ingestionStats } = await admin.data('{ ingestionStats { providers { name circuit } } }');
    expect(ingestionStats.providers).toEqual([
      { name: 'simulated', circuit: 'CLOSED' },
      { name: 'replay', circuit: 'OPEN' },
    ]);
  });
});
