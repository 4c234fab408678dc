import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestionEnv, startIngestion } from '@switchyard/ingestion';
import { createEventBus, parseEnv, type Service } from '@switchyard/kit';
import { alertRaised } from '@switchyard/users/events';
import { freePort, sqlClient, Stack, startFakeYahoo, waitFor } from '@switchyard/testing';
import { startSmtp } from './smtp.js';
import { extraGateway, loginAdmin, subgraphUrls, newUser, ROOT, type Running, startStack } from './stack.js';

const WATCH = 'mutation($s: String!, $h: Float!, $l: Float!) { watch(symbol: $s, high: $h, low: $l) { high } }';
const FEED = '{ ticker(symbol: "ACME") { feed { provider circuit consecutiveFailures lastSuccessAt lastError } } }';

async function replayFile(rows: Array<[string, number[]]>): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'replay-')), 'prices.csv');
  const lines = ['date,symbol,price'];
  for (const [symbol, prices] of rows) {
    prices.forEach((p, i) => lines.push(`${new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString()},${symbol},${p}`));
  }
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

/** Settings for another ingestion replica over the stack's database (no schedule). */
function replicaEnv(run: Running, extra: Record<string, string> = {}) {
  return parseEnv(ingestionEnv, {
    NODE_ENV: 'test',
    DATABASE_URL: run.db,
    HOST: '127.0.0.1',
    PORT: '0',
    GATEWAY_PUBLIC_KEYS: JSON.stringify(run.gatewayKey.publicJwk),
    USERS_URL: run.users.url,
    COLLECT_INTERVAL: '0',
    MAIL_POLL_MS: '500',
    MQTT_PORT: '0',
    ...extra,
  }) as Parameters<typeof startIngestion>[0];
}

/** The alert-mail jobs (and their dead letters), oldest first. */
async function mailJobs(sql: Awaited<ReturnType<typeof sqlClient>>) {
  const { rows } = await sql.query(
    `select name, state, retry_count as "retryCount", data->>'alertId' as "alertId", data->>'userId' as "userId"
     from sy_jobs.job where name in ('alert-mail', 'alert-mail-dead') order by created_on, id`,
  );
  return rows as Array<{ name: string; state: string; retryCount: number; alertId: string; userId: string }>;
}

/** A replica that only mails, through `smtpUrl`. */
const mailerEnv = (run: Running, smtpUrl: string, extra: Record<string, string> = {}) =>
  replicaEnv(run, { SMTP_URL: smtpUrl, ...extra });

/** The alerts a watch must raise over a series, worked out here without the collector's code. */
function expectedAlerts(series: number[], high: number, low: number) {
  const out: Array<{ kind: string; price: number; threshold: number }> = [];
  let last = 'inside';
  for (const price of series) {
    const now = price > high ? 'HIGH' : price < low ? 'LOW' : 'inside';
    if (now !== 'inside' && now !== last) out.push({ kind: now, price, threshold: now === 'HIGH' ? high : low });
    last = now;
  }
  return out;
}

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
        stdio: 'ignore',
      });
      const exited = once(worker, 'exit');
      await waitFor(async () => yahoo.held.length > 0, 30_000, 'the round to be mid-call');
      const round = Math.floor(Date.now() / 1000 / 3600);
      worker.kill('SIGKILL');
      await exited;
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

const RETRY_SETTINGS = { MAIL_MAX_ATTEMPTS: '3', MAIL_RETRY_BASE_SEC: '0' };

describe('alert mail jobs', () => {
  const stack = new Stack();
  let run: Running;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const extra: Service[] = [];

  beforeAll(async () => {
    smtp = await startSmtp({ refuse: (to) => to.startsWith('unlucky') });
    const file = await replayFile([['MAIL', [10, 20, 10, 20, 10, 20]]]);
    // This collector stores alerts but sends nothing, as if killed before mailing. A mail's retry
    // policy is the one in force where it was enqueued: three attempts, retried at once.
    run = await startStack(stack, {
      ingestion: { ...RETRY_SETTINGS, MARKET_PROVIDER: 'replay', REPLAY_FILE: file, MAILER: 'false' },
    });
  });
  afterAll(async () => {
    for (const s of extra) await s.close();
    await stack.close();
    await smtp.close();
  });

  it('mails what a stopped worker left, once, however many mailers run; retries and gives up on refusals', async () => {
    const lucky = await newUser(run.client, 'lucky');
    const unlucky = await newUser(run.client, 'unlucky');
    for (const u of [lucky, unlucky]) await run.client.as(u.token).data(WATCH, { s: 'MAIL', h: 15, l: 5 });
    const admin = run.client.as(await loginAdmin(run.client));
    for (let i = 0; i < 6; i++) await admin.data('mutation { collectNow { error } }');
    const sql = await sqlClient(run.db);
    try {
      const queued = await mailJobs(sql);
      // 3 crossings above 15, for each of the two users, each a job waiting for a mailer.
      expect(queued.map((j) => j.state)).toEqual(Array(6).fill('created'));
      expect(smtp.received).toHaveLength(0);

      const env = mailerEnv(run, smtp.url, RETRY_SETTINGS);
      extra.push(await startIngestion(env), await startIngestion(env));

      const settled = (jobs: Awaited<ReturnType<typeof mailJobs>>) =>
        jobs.filter((j) => j.name === 'alert-mail').every((j) => j.state === 'completed' || j.state === 'failed');
      const jobs = await waitFor(
        async () => {
          const now = await mailJobs(sql);
          return settled(now) ? now : undefined;
        },
        60_000,
        'every mail sent or given up',
      );
      const owner = (j: { userId: string }) => (j.userId === lucky.id ? 'lucky' : 'unlucky');
      const mails = jobs.filter((j) => j.name === 'alert-mail');
      expect(mails.filter((j) => j.state === 'completed').map(owner)).toEqual(['lucky', 'lucky', 'lucky']);
      // Given up after three attempts (two retries), each dead-lettered once.
      expect(mails.filter((j) => j.state === 'failed').map((j) => [owner(j), j.retryCount])).toEqual(
        Array(3).fill(['unlucky', 2]),
      );
      const dead = jobs.filter((j) => j.name === 'alert-mail-dead').map((j) => j.alertId);
      expect(dead.sort()).toEqual(
        mails
          .filter((j) => j.state === 'failed')
          .map((j) => j.alertId)
          .sort(),
      );
      expect(smtp.received).toHaveLength(3);
      expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(3);
      expect(smtp.received.every((m) => m.to[0] === lucky.email)).toBe(true);
      // Visible to an admin.
      const { ingestionStats } = await admin.data('{ ingestionStats { mailsWaiting mailsUndelivered } }');
      expect(ingestionStats).toEqual({ mailsWaiting: 0, mailsUndelivered: 3 });
    } finally {
      await sql.end();
    }
  });

  it('mails what an older version left due in its outbox table, once', async () => {
    const old = await newUser(run.client, 'lucky-old');
    const alertId = randomUUID();
    const sql = await sqlClient(run.db);
    try {
      await sql.query(
        `insert into ingestion.outbox (alert_id, user_id, symbol, kind, price, threshold, triggered_at)
         values ($1, $2, 'MAIL', 'HIGH', 20, 15, now())`,
        [alertId, old.id],
      );
      // A replica starting turns it into a job (and takes it out of the table) in one transaction.
      extra.push(await startIngestion(mailerEnv(run, smtp.url, RETRY_SETTINGS)));
      await waitFor(
        async () => smtp.received.some((m) => m.messageId === `<alert-${alertId}@switchyard>`),
        30_000,
        'the old mail sent',
      );
      expect(smtp.received.filter((m) => m.messageId === `<alert-${alertId}@switchyard>`).map((m) => m.to)).toEqual([
        [old.email],
      ]);
      expect(
        (await sql.query("select count(*)::int as n from ingestion.outbox where status = 'PENDING'")).rows[0].n,
      ).toBe(0);
    } finally {
      await sql.end();
    }
  });
});

const KILL_SETTINGS = { MAIL_TIMEOUT_SEC: '2', MAIL_RETRY_BASE_SEC: '0' };

describe('a mail worker killed in the middle of a send', () => {
  const stack = new Stack();
  let run: Running;
  let hanging: Awaited<ReturnType<typeof startSmtp>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let replacement: Service | undefined;

  beforeAll(async () => {
    [hanging, smtp] = await Promise.all([startSmtp({ hold: true }), startSmtp()]);
    const file = await replayFile([['KILL', [10, 20]]]);
    // A send still going after 2 s is taken for dead and tried again at once.
    run = await startStack(stack, {
      ingestion: { ...KILL_SETTINGS, MARKET_PROVIDER: 'replay', REPLAY_FILE: file, MAILER: 'false' },
    });
  });
  afterAll(async () => {
    await replacement?.close();
    await stack.close();
    await Promise.all([smtp.close(), hanging.close()]);
  });

  it('leaves the mail due, and another worker mails it once after the send times out', async () => {
    const user = await newUser(run.client);
    await run.client.as(user.token).data(WATCH, { s: 'KILL', h: 15, l: 5 });
    const admin = run.client.as(await loginAdmin(run.client));
    for (let i = 0; i < 2; i++) await admin.data('mutation { collectNow { error } }');
    const [alert] = (await run.client.as(user.token).data('{ alerts { nodes { id } } }')).alerts.nodes;

    // A separate worker process takes the mail; the server reads it and never says yes.
    const worker = spawn(process.execPath, [join(ROOT, 'subgraphs/ingestion/dist/main.js')], {
      env: {
        ...process.env,
        ...Object.fromEntries(
          Object.entries(mailerEnv(run, hanging.url, KILL_SETTINGS)).map(([k, v]) => [k, String(v)]),
        ),
        PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    const exited = once(worker, 'exit');
    await waitFor(async () => hanging.held.length === 1, 30_000, 'the worker to be mid-send');
    worker.kill('SIGKILL');
    await exited;

    const sql = await sqlClient(run.db);
    try {
      expect((await mailJobs(sql)).map((j) => [j.state, j.retryCount])).toEqual([['active', 0]]);
      replacement = await startIngestion(mailerEnv(run, smtp.url, KILL_SETTINGS));
      // The killed send times out and is retried once, by the replacement; completed only after
      // the server took it, and never sent again after.
      await waitFor(async () => (await mailJobs(sql))[0]?.state === 'completed', 30_000, 'the mail to go out');
      expect(smtp.received.map((m) => [m.to, m.messageId])).toEqual([[[user.email], `<alert-${alert.id}@switchyard>`]]);
      expect((await mailJobs(sql)).map((j) => [j.name, j.state, j.retryCount])).toEqual([
        ['alert-mail', 'completed', 1],
      ]);
    } finally {
      await sql.end();
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
