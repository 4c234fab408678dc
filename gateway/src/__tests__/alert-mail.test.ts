// Alert mails as kit/jobs: sent once by any mailer, retried and dead-lettered, taken over when a
// mailer dies mid-send; and mail an older version left in its outbox table.
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { startIngestion } from '@switchyard/ingestion';
import { type Service } from '@switchyard/kit';
import { freePort, sqlClient, Stack, waitFor } from '@switchyard/testing';
import { startSmtp } from './smtp.js';
import { loginAdmin, newUser, ROOT, type Running, startStack } from './stack.js';
import { mailerEnv, mailJobs, replayFile, WATCH } from './market.js';

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
      // An IPC channel: the worker stops by itself if this test process goes away first.
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const exited = once(worker, 'exit');
    try {
      await waitFor(async () => hanging.held.length === 1, 30_000, 'the worker to be mid-send');
    } finally {
      worker.kill('SIGKILL');
      await exited;
    }

    const sql = await sqlClient(run.db);
    try {
      // Not done: still taken by the dead worker, or already timed out (on a slow machine) and due
      // again; nothing was sent.
      const [left] = await mailJobs(sql);
      expect([left!.state, left!.retryCount]).toEqual([expect.stringMatching(/^(active|retry)$/), 0]);
      expect(smtp.received).toEqual([]);
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
