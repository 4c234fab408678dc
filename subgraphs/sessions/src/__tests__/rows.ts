// Sessions to import, the operations that write and read them, and the statistics they must add up to.
import type { GraphQLClient } from '@switchyard/testing';

export interface Row {
  activity: string;
  startedAt: string;
  durationSec: number;
  distanceM?: number | null;
  calories?: number | null;
  avgHeartRate?: number | null;
  notes?: string;
}

export const ACTIVITIES = ['RUN', 'RIDE', 'SWIM', 'WALK', 'ROW', 'STRENGTH', 'OTHER'];
export const DAY = 86_400_000;

/** Deterministic, varied sessions over the last ~60 days. */
export function makeRows(n: number, seed: number): Row[] {
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

export const IMPORT =
  'mutation($rows: [SessionImportRow!]!) { importSessions(sessions: $rows) { imported rejected { index field reason } } }';
export const FIELDS = 'id activity startedAt durationSec distanceM calories avgHeartRate notes';
export const STATS = `count totalDurationSec averageDurationSec totalDistanceM totalCalories averageHeartRate longest { id durationSec }
  byActivity { activity count totalDurationSec averageDurationSec totalDistanceM totalCalories averageHeartRate }
  byWeek { weekStart count totalDurationSec totalDistanceM }`;

export async function importRows(client: GraphQLClient, rows: Row[]) {
  const { importSessions } = await client.data(IMPORT, { rows });
  expect(importSessions.rejected).toEqual([]);
  return importSessions.imported as number;
}

/**
 * The fields this subgraph adds to a User (`sessions`, `stats`), resolved as the gateway asks for
 * them: `selection` on the User entity `userId`, with the query's own `$variables` declared in
 * `params` (say `$f: DateTimeISO`).
 */
export function userQuery(selection: string, params = '') {
  return `query($r: [_Any!]!${params ? `, ${params}` : ''}) { _entities(representations: $r) { ... on User { ${selection} } } }`;
}
export const userRef = (id: string) => ({ r: [{ __typename: 'User', id }] });

/** `selection` of the User `userId`, for `client` (failing on errors). */
export async function userFields(
  client: GraphQLClient,
  userId: string,
  selection: string,
  params = '',
  variables: Record<string, unknown> = {},
) {
  const { _entities } = await client.data(userQuery(selection, params), { ...userRef(userId), ...variables });
  expect(_entities).toHaveLength(1);
  return _entities[0];
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

export function expectStatsToMatch(actual: any, rows: Row[]) {
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

/** All of a user's sessions, read by SQL from `sql`'s database, for checks independent of the API. */
export async function storedIn(
  sql: { query(text: string, values: unknown[]): Promise<{ rows: any[] }> },
  userId: string,
): Promise<Array<Row & { id: string }>> {
  const { rows } = await sql.query(
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
