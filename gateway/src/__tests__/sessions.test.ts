import { codes, type GraphQLClient, waitFor } from '@switchyard/testing';
import { loginAdmin, newUser, useStack, statementsSoFar } from './stack.js';

const run = useStack();

interface Row {
  activity: string;
  startedAt: string;
  durationSec: number;
  distanceM?: number | null;
  calories?: number | null;
  avgHeartRate?: number | null;
  notes?: string;
}

const ACTIVITIES = ['RUN', 'RIDE', 'SWIM', 'WALK', 'ROW', 'STRENGTH', 'OTHER'];
const DAY = 86_400_000;

/** Deterministic, varied sessions over the last ~60 days. */
function makeRows(n: number, seed: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const k = i * 7 + seed;
    const activity = ACTIVITIES[k % ACTIVITIES.length]!;
    return {
      activity,
      startedAt: new Date(Date.now() - ((k * 37) % 60) * DAY - (k % 24) * 3_600_000 - i * 1000).toISOString(),
      durationSec: 600 + ((k * 131) % 7200),
      distanceM: activity === 'STRENGTH' ? null : 1000 + ((k * 97) % 20000),
      calories: k % 5 === 0 ? null : 100 + ((k * 13) % 800),
      avgHeartRate: k % 4 === 0 ? null : 90 + ((k * 7) % 90),
      notes: `row ${i}`,
    };
  });
}

const IMPORT =
  'mutation($rows: [SessionImportRow!]!) { importSessions(sessions: $rows) { imported rejected { index field reason } } }';
const FIELDS = 'id activity startedAt durationSec distanceM calories avgHeartRate notes';
const STATS = `count totalDurationSec averageDurationSec totalDistanceM totalCalories averageHeartRate longest { id durationSec }
  byActivity { activity count totalDurationSec averageDurationSec totalDistanceM totalCalories averageHeartRate }
  byWeek { weekStart count totalDurationSec totalDistanceM }`;

async function importRows(client: GraphQLClient, rows: Row[]) {
  const { importSessions } = await client.data(IMPORT, { rows });
  expect(importSessions.rejected).toEqual([]);
  return importSessions.imported as number;
}

/** All of a user's sessions, by SQL, for checks independent of the API. */
async function storedOf(userId: string): Promise<Array<Row & { id: string }>> {
  const { rows } = await run.sql.query(
    `select id, activity, started_at, duration_sec, distance_m, calories, avg_heart_rate, notes
     from sessions.sessions where user_id = $1`,
    [userId],
  );
  return rows.map((r) => ({
    id: r.id,
    activity: r.activity,
    startedAt: r.started_at.toISOString(),
    durationSec: r.duration_sec,
    distanceM: r.distance_m,
    calories: r.calories,
    avgHeartRate: r.avg_heart_rate,
    notes: r.notes,
  }));
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => (xs.length ? sum(xs) / xs.length : null);
const present = (xs: Array<number | null | undefined>) => xs.filter((x): x is number => x != null);

function totalsOf(rows: Row[]) {
  return {
    count: rows.length,
    totalDurationSec: sum(rows.map((r) => r.durationSec)),
    averageDurationSec: mean(rows.map((r) => r.durationSec)),
    totalDistanceM: sum(present(rows.map((r) => r.distanceM))),
    totalCalories: sum(present(rows.map((r) => r.calories))),
    averageHeartRate: mean(present(rows.map((r) => r.avgHeartRate))),
  };
}

function mondayOf(iso: string): string {
  const d = new Date(iso);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return new Date(day - ((d.getUTCDay() + 6) % 7) * DAY).toISOString();
}

/** The statistics, computed here from the rows, the way the API must report them. */
function expectedStats(rows: Row[]) {
  const weeks = new Map<string, Row[]>();
  for (const r of rows) weeks.set(mondayOf(r.startedAt), [...(weeks.get(mondayOf(r.startedAt)) ?? []), r]);
  return {
    ...totalsOf(rows),
    longest: Math.max(...rows.map((r) => r.durationSec)),
    byActivity: [...ACTIVITIES]
      .sort()
      .filter((a) => rows.some((r) => r.activity === a))
      .map((activity) => ({
        activity,
        ...totalsOf(rows.filter((r) => r.activity === activity)),
      })),
    byWeek: [...weeks.keys()].sort().map((weekStart) => ({
      weekStart,
      count: weeks.get(weekStart)!.length,
      totalDurationSec: sum(weeks.get(weekStart)!.map((r) => r.durationSec)),
      totalDistanceM: sum(present(weeks.get(weekStart)!.map((r) => r.distanceM))),
    })),
  };
}

function expectStatsToMatch(actual: any, rows: Row[]) {
  const expected = expectedStats(rows);
  const close = (a: number | null, b: number | null) =>
    b === null ? expect(a).toBeNull() : expect(a).toBeCloseTo(b, 6);
  for (const key of ['count', 'totalDurationSec'] as const) expect(actual[key]).toBe(expected[key]);
  for (const key of ['averageDurationSec', 'totalDistanceM', 'totalCalories', 'averageHeartRate'] as const) {
    close(actual[key], expected[key]);
  }
  expect(actual.longest.durationSec).toBe(expected.longest);
  expect(actual.byActivity.map((a: any) => [a.activity, a.count, a.totalDurationSec])).toEqual(
    expected.byActivity.map((a) => [a.activity, a.count, a.totalDurationSec]),
  );
  expected.byActivity.forEach((e, i) => {
    close(actual.byActivity[i].averageHeartRate, e.averageHeartRate);
    close(actual.byActivity[i].totalDistanceM, e.totalDistanceM);
    close(actual.byActivity[i].totalCalories, e.totalCalories);
  });
  expect(actual.byWeek).toEqual(expected.byWeek);
}

describe('sessions through the gateway', () => {
  it('creates, lists with every filter, pages stably under concurrent inserts, and sums up correctly', async () => {
    const user = await newUser(run.client, 'athlete');
    const me = run.client.as(user.token);
    const { createSession } = await me.data(
      `mutation($i: SessionInput!) { createSession(input: $i) { ${FIELDS} user { id } } }`,
      {
        i: {
          activity: 'RUN',
          startedAt: new Date(Date.now() - DAY).toISOString(),
          durationSec: 1800,
          distanceM: 5000,
          avgHeartRate: 150,
        },
      },
    );
    expect(createSession).toMatchObject({
      activity: 'RUN',
      durationSec: 1800,
      distanceM: 5000,
      calories: null,
      user: { id: user.id },
    });
    await importRows(me, makeRows(60, 1));
    let stored = await storedOf(user.id);
    expect(stored).toHaveLength(61);

    const list = async (filter: Record<string, unknown>, orderBy = 'STARTED_AT_DESC') =>
      (
        await me.data(
          'query($f: SessionFilter, $o: SessionOrder) { sessions(filter: $f, first: 100, orderBy: $o) { nodes { id } } }',
          { f: filter, o: orderBy },
        )
      ).sessions.nodes.map((n: { id: string }) => n.id);
    const ids = (rows: typeof stored) => rows.map((r) => r.id);
    const byStartDesc = (a: Row & { id: string }, b: Row & { id: string }) =>
      b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id);
    const from = new Date(Date.now() - 30 * DAY).toISOString();
    const to = new Date(Date.now() - 10 * DAY).toISOString();

    expect(await list({})).toEqual(ids([...stored].sort(byStartDesc)));
    expect(await list({ activity: 'SWIM' })).toEqual(
      ids(stored.filter((r) => r.activity === 'SWIM').sort(byStartDesc)),
    );
    expect(await list({ from, to })).toEqual(
      ids(stored.filter((r) => r.startedAt >= from && r.startedAt < to).sort(byStartDesc)),
    );
    expect(await list({ minDurationSec: 3000, maxDurationSec: 5000 })).toEqual(
      ids(stored.filter((r) => r.durationSec >= 3000 && r.durationSec <= 5000).sort(byStartDesc)),
    );
    expect(await list({ userId: user.id }, 'DURATION_ASC')).toEqual(
      ids([...stored].sort((a, b) => a.durationSec - b.durationSec || a.id.localeCompare(b.id))),
    );

    // Page 7 at a time while new sessions keep arriving: every original session once, in order.
    const seen: string[] = [];
    let after: string | null = null;
    let inserted = 0;
    for (;;) {
      const [page] = await Promise.all([
        me.data(
          'query($a: String) { sessions(first: 7, after: $a) { nodes { id } pageInfo { endCursor hasNextPage } } }',
          { a: after },
        ),
        me
          .data(IMPORT, {
            rows: makeRows(2, 100 + inserted).map((r) => ({ ...r, startedAt: new Date().toISOString() })),
          })
          .then(() => (inserted += 2)),
      ]);
      seen.push(...page.sessions.nodes.map((n: { id: string }) => n.id));
      if (!page.sessions.pageInfo.hasNextPage) break;
      after = page.sessions.pageInfo.endCursor;
    }
    const fresh = new Set(ids(await storedOf(user.id)).filter((id) => !stored.some((r) => r.id === id)));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => !fresh.has(id))).toEqual(ids([...stored].sort(byStartDesc)));

    stored = await storedOf(user.id);
    const { me: withStats } = await me.data(`{ me { stats { ${STATS} } } }`);
    expectStatsToMatch(withStats.stats, stored);
    const ranged = await me.data(
      `query($f: DateTimeISO, $t: DateTimeISO) { me { stats(from: $f, to: $t, activity: RIDE) { ${STATS} } } }`,
      { f: from, t: to },
    );
    expectStatsToMatch(
      ranged.me.stats,
      stored.filter((r) => r.activity === 'RIDE' && r.startedAt >= from && r.startedAt < to),
    );
    const empty = await me.data(
      '{ me { stats(from: "2000-01-01T00:00:00Z", to: "2000-02-01T00:00:00Z") { count averageDurationSec longest { id } byActivity { count } byWeek { count } } } }',
    );
    expect(empty.me.stats).toEqual({ count: 0, averageDurationSec: null, longest: null, byActivity: [], byWeek: [] });
  });

  it('imports the valid rows of a mixed batch and reports each invalid one by index and reason', async () => {
    const user = await newUser(run.client, 'importer');
    const me = run.client.as(user.token);
    const good = (i: number): Row => ({
      activity: 'WALK',
      startedAt: new Date(Date.now() - i * DAY).toISOString(),
      durationSec: 1200,
      notes: `good ${i}`,
    });
    const rows = [
      good(1),
      { ...good(2), durationSec: 0 },
      { ...good(3), durationSec: 48 * 3600 + 1 },
      good(4),
      { ...good(5), distanceM: -1 },
      { ...good(6), calories: -5 },
      { ...good(7), avgHeartRate: 24 },
      { ...good(8), avgHeartRate: 251 },
      { ...good(9), startedAt: new Date(Date.now() + 11 * 60_000).toISOString() },
      { ...good(10), activity: 'JOG' },
      { ...good(11), startedAt: 'yesterday' },
      good(12),
      { ...good(13), startedAt: '2026-01-01T10:00:00' },
      { ...good(14), startedAt: '0999-01-01T10:00:00Z' },
      { ...good(15), notes: 'nul \u0000 inside' },
      { ...good(16), distanceM: 1e308 },
      { ...good(17), userId: 'someone' },
    ];
    const { importSessions } = await me.data(IMPORT, { rows });
    expect(importSessions.imported).toBe(3);
    expect(importSessions.rejected.map((r: any) => [r.index, r.field])).toEqual([
      [1, 'durationSec'],
      [2, 'durationSec'],
      [4, 'distanceM'],
      [5, 'calories'],
      [6, 'avgHeartRate'],
      [7, 'avgHeartRate'],
      [8, 'startedAt'],
      [9, 'activity'],
      [10, 'startedAt'],
      [12, 'startedAt'],
      [13, 'startedAt'],
      [14, 'notes'],
      [15, 'distanceM'],
      [16, 'userId'],
    ]);
    for (const r of importSessions.rejected) expect(r.reason.length).toBeGreaterThan(5);
    expect((await storedOf(user.id)).map((r) => r.notes).sort()).toEqual(['good 1', 'good 12', 'good 4']);

    const tooMany = Array.from({ length: 10_001 }, () => good(1));
    expect(codes(await me.request(IMPORT, { rows: tooMany }))).toEqual(['BAD_USER_INPUT']);
    expect(await storedOf(user.id)).toHaveLength(3);
  });

  it('rejects bad sessions with BAD_USER_INPUT naming the field', async () => {
    const me = run.client.as((await newUser(run.client)).token);
    const base = { activity: 'RUN', startedAt: new Date().toISOString(), durationSec: 600 };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ durationSec: 0 }, 'durationSec'],
      [{ durationSec: 172801 }, 'durationSec'],
      [{ distanceM: -1 }, 'distanceM'],
      [{ calories: -1 }, 'calories'],
      [{ avgHeartRate: 251 }, 'avgHeartRate'],
      [{ startedAt: new Date(Date.now() + 11 * 60_000).toISOString() }, 'startedAt'],
      [{ activity: 'JOG' }, 'activity'],
    ];
    for (const [change, field] of cases) {
      const result = await me.request('mutation($i: SessionInput!) { createSession(input: $i) { id } }', {
        i: { ...base, ...change },
      });
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toContain(field);
    }
    expect(
      codes(await me.request('{ sessions(filter: { minDurationSec: 10, maxDurationSec: 5 }) { nodes { id } } }')),
    ).toEqual(['BAD_USER_INPUT']);
  });

  it('answers one query across both subgraphs', async () => {
    const user = await newUser(run.client, 'both');
    const me = run.client.as(user.token);
    await importRows(me, makeRows(25, 7));
    const { user: found } = await me.data(
      `query($id: ID!) { user(id: $id) { email sessions(first: 20) { nodes { ${FIELDS} user { email } } pageInfo { hasNextPage } } stats { ${STATS} } } }`,
      { id: user.id },
    );
    expect(found.email).toBe(user.email);
    expect(found.sessions.nodes).toHaveLength(20);
    expect(found.sessions.nodes[0].user.email).toBe(user.email);
    expect(found.sessions.pageInfo.hasNextPage).toBe(true);
    expectStatsToMatch(found.stats, await storedOf(user.id));
  });

  it("keeps users out of each other's sessions and stats; admins see everyone's", async () => {
    const owner = await newUser(run.client, 'owner');
    const other = run.client.as((await newUser(run.client, 'other')).token);
    await importRows(run.client.as(owner.token), makeRows(3, 3));
    const [one] = await storedOf(owner.id);

    expect(
      codes(
        await other.request('query($u: ID!) { sessions(filter: { userId: $u }) { nodes { id } } }', { u: owner.id }),
      ),
    ).toEqual(['FORBIDDEN']);
    // Someone else's session looks like a missing one: ids reveal nothing.
    const peek = await other.request('query($id: ID!) { session(id: $id) { id } }', { id: one!.id });
    expect(peek.data).toEqual({ session: null });
    expect(peek.errors).toBeUndefined();
    expect(codes(await other.request('mutation($id: ID!) { deleteSession(id: $id) }', { id: one!.id }))).toEqual([
      'NOT_FOUND',
    ]);
    expect((await other.request('{ session(id: "not-a-uuid") { id } }')).data).toEqual({ session: null });
    expect(
      codes(await other.request('query($id: ID!) { user(id: $id) { stats { count } } }', { id: owner.id })),
    ).toContain('FORBIDDEN');
    const smuggled = await other.request(IMPORT, { rows: [{ ...makeRows(1, 9)[0], userId: owner.id }] });
    expect(codes(smuggled)).toEqual(['FORBIDDEN']);
    expect(await storedOf(owner.id)).toHaveLength(3);
    // Without a filter, a user sees only their own.
    expect((await other.data('{ sessions { nodes { id } } }')).sessions.nodes).toEqual([]);

    const admin = run.client.as(await loginAdmin(run.client));
    const seen = await admin.data('query($id: ID!) { user(id: $id) { sessions { nodes { id } } stats { count } } }', {
      id: owner.id,
    });
    expect(seen.user.stats.count).toBe(3);
    expect(seen.user.sessions.nodes).toHaveLength(3);
    await admin.data('mutation($i: SessionInput!) { createSession(input: $i) { id } }', {
      i: { userId: owner.id, activity: 'SWIM', startedAt: new Date().toISOString(), durationSec: 900 },
    });
    expect((await admin.data('mutation($id: ID!) { deleteSession(id: $id) }', { id: one!.id })).deleteSession).toBe(
      true,
    );
    expect(await storedOf(owner.id)).toHaveLength(3);
  });

  it("deletes a user's sessions when the user is deleted", async () => {
    const leaving = await newUser(run.client, 'leaving');
    const staying = await newUser(run.client, 'staying');
    await importRows(run.client.as(leaving.token), makeRows(5, 1));
    await importRows(run.client.as(staying.token), makeRows(2, 2));
    await run.client.as(leaving.token).data('mutation($id: ID!) { deleteUser(id: $id) }', { id: leaving.id });
    await waitFor(async () => (await storedOf(leaving.id)).length === 0, 30_000, 'the sessions to go');
    expect(await storedOf(staying.id)).toHaveLength(2);
  });

  it('lists users with their sessions and stats in a bounded number of SQL statements', async () => {
    const admin = run.client.as(await loginAdmin(run.client));
    const measure = async () => {
      const before = await statementsSoFar(run.sessions);
      const { users } = await admin.data(
        '{ users(first: 50) { nodes { sessions(first: 3) { nodes { id } } stats { count byWeek { count } } } } }',
      );
      return { statements: (await statementsSoFar(run.sessions)) - before, users: users.nodes.length };
    };
    const few = await measure();
    for (let i = 0; i < 12; i++)
      await importRows(run.client.as((await newUser(run.client, 'many')).token), makeRows(4, i));
    const many = await measure();
    expect(many.users).toBeGreaterThan(few.users + 10);
    expect(many.statements).toBe(few.statements);
  });
});
