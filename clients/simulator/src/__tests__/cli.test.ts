// The command-line client against the whole stack through the gateway (its helpers are the gateway tests').
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CSV_COLUMNS, simulate } from '@switchyard/simulator';
import { freePort } from '@switchyard/testing';
import { extraGateway, loginAdmin, metricOf, ROOT, useStack } from '@switchyard/gateway/__tests__/stack';

const run = useStack();

const options = (out: string) => ({
  url: run.gateway.url,
  users: 4,
  sessions: 203,
  out,
  seed: 42,
  weeks: 8,
  batch: 25,
  concurrency: 3,
  password: 'simulated-password',
  emailPrefix: 'simtest',
  progress: false,
});

describe('the session simulator', () => {
  it('imports generated sessions and writes a CSV whose numbers match the stats API', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'sim-')), 'stats.csv');
    const report = await simulate(options(out));
    expect(report).toMatchObject({ users: 4, imported: 203, failures: [] });

    const stored = await run.sql.query('select count(*)::int as n from sessions.sessions');
    expect(stored.rows[0].n).toBe(203);

    const [header, ...lines] = (await readFile(out, 'utf8')).trim().split('\n');
    expect(header).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(report.csvRows);
    const admin = run.client.as(await loginAdmin(run.client));
    const userIds = [...new Set(lines.map((l) => l.split(',')[1]!))];
    expect(userIds).toHaveLength(4);
    for (const id of userIds) {
      const { user } = await admin.data(
        'query($id: ID!) { user(id: $id) { email stats { byActivity { activity count totalDurationSec averageDurationSec totalDistanceM totalCalories averageHeartRate } } } }',
        { id },
      );
      const expected = user.stats.byActivity.map((a: any) =>
        [
          user.email,
          id,
          a.activity,
          a.count,
          a.totalDurationSec,
          a.averageDurationSec,
          a.totalDistanceM,
          a.totalCalories,
          a.averageHeartRate ?? '',
        ]
          .map(String)
          .join(','),
      );
      expect(lines.filter((l) => l.split(',')[1] === id)).toEqual(expected);
    }
    const total = lines.reduce((sum, l) => sum + Number(l.split(',')[3]), 0);
    expect(total).toBe(203);

    // The same seed again signs the same users in and doubles their sessions exactly.
    const again = await simulate(options(out));
    expect(again).toMatchObject({ users: 4, imported: 203, failures: [] });
    const doubled = (await readFile(out, 'utf8')).trim().split('\n').slice(1);
    expect(doubled.reduce((sum, l) => sum + Number(l.split(',')[3]), 0)).toBe(406);
  });

  it("waits out the gateway's rate limit instead of failing", async () => {
    const gateway = await extraGateway(run.stack, run, { RATE_LIMIT: '2', RATE_WINDOW_SEC: '2' });
    // Spend this address's allowance first, so the simulator's first call is refused however
    // slowly this machine would otherwise send its requests.
    for (let i = 0; i < 2; i++) await gateway.client.request('{ __typename }');
    const out = join(await mkdtemp(join(tmpdir(), 'sim-')), 'stats.csv');
    const report = await simulate({
      ...options(out),
      url: gateway.url,
      users: 2,
      sessions: 40,
      batch: 10,
      concurrency: 2,
      emailPrefix: 'simrate',
    });
    expect(report).toMatchObject({ users: 2, imported: 40, failures: [] });
    expect(await metricOf(gateway, 'gateway_rate_limited_total')).toBeGreaterThan(0);
  });

  it('exits non-zero and says why when the gateway cannot be reached', async () => {
    const cli = promisify(execFile)(process.execPath, [
      join(ROOT, 'clients/simulator/dist/main.js'),
      '--url',
      `http://127.0.0.1:${await freePort()}/graphql`,
      '--users',
      '2',
      '--sessions',
      '4',
      '--out',
      join(await mkdtemp(join(tmpdir(), 'sim-')), 'x.csv'),
      '--no-progress',
    ]);
    await expect(cli).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('sign-in failed') });
  });
});
