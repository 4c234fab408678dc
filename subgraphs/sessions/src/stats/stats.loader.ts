import type { EntityManager } from '@mikro-orm/postgresql';
import { IsolationLevel } from '@mikro-orm/core';
import { statement } from '@switchyard/kit';
import DataLoader from 'dataloader';
import { Session } from '../session/session.entity.js';
import { RANGE_CONDITIONS, type RangeParams, type SessionRow } from '../session/session.query.js';
import type { Activity } from '../session/session.entity.js';
import type { SessionStats } from './stats.types.js';

export interface StatsRange {
  from?: Date;
  to?: Date;
  activity?: Activity;
}

// Sums in float8: a bigint would come back as a string, and an int could overflow.
const TOTALS = `count(*)::int as count,
  coalesce(sum(duration_sec), 0)::float8 as total_duration_sec,
  avg(duration_sec)::float8 as average_duration_sec,
  coalesce(sum(distance_m), 0)::float8 as total_distance_m,
  coalesce(sum(calories), 0)::float8 as total_calories,
  avg(avg_heart_rate)::float8 as average_heart_rate`;

type TotalsRow = {
  user_id: string;
  count: number;
  total_duration_sec: number;
  average_duration_sec: number | null;
  total_distance_m: number;
  total_calories: number;
  average_heart_rate: number | null;
};

/** The sessions of a batch of users in a range. */
type StatsParams = RangeParams & { userIds: string[] };
const SCOPE = `user_id = any(:userIds::uuid[]) and ${RANGE_CONDITIONS}`;

const statsTotals = statement<StatsParams, TotalsRow>(
  `/* statsTotals */ select user_id, ${TOTALS} from sessions where ${SCOPE} group by user_id`,
);

const statsByActivity = statement<StatsParams, TotalsRow & { activity: Activity }>(
  `/* statsByActivity */ select user_id, activity, ${TOTALS} from sessions where ${SCOPE}
   group by user_id, activity order by user_id, activity`,
);

const statsByWeek = statement<
  StatsParams,
  { user_id: string; week_start: string; count: number; total_duration_sec: number; total_distance_m: number }
>(
  `/* statsByWeek */ select user_id, date_trunc('week', started_at at time zone 'UTC') at time zone 'UTC' as week_start,
     count(*)::int as count, sum(duration_sec)::float8 as total_duration_sec,
     coalesce(sum(distance_m), 0)::float8 as total_distance_m
   from sessions where ${SCOPE} group by 1, 2 order by 1, 2`,
);

const statsLongest = statement<StatsParams, SessionRow>(
  `/* statsLongest */ select distinct on (user_id) * from sessions where ${SCOPE}
   order by user_id, duration_sec desc, started_at desc, id`,
);

const totals = (r: TotalsRow) => ({
  count: r.count,
  totalDurationSec: r.total_duration_sec,
  averageDurationSec: r.average_duration_sec,
  totalDistanceM: r.total_distance_m,
  totalCalories: r.total_calories,
  averageHeartRate: r.average_heart_rate,
});

const NO_SESSIONS = {
  count: 0,
  totalDurationSec: 0,
  averageDurationSec: null,
  totalDistanceM: 0,
  totalCalories: 0,
  averageHeartRate: null,
};

function groupBy<R extends { user_id: string }, T>(rows: R[], map: (r: R) => T): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(row.user_id) ?? [];
    list.push(map(row));
    groups.set(row.user_id, list);
  }
  return groups;
}

/**
 * Statistics for a batch of users, computed by PostgreSQL aggregates (never by loading rows):
 * four grouped statements however many users are asked.
 */
async function statsOfUsers(em: EntityManager, userIds: readonly string[], range: StatsRange) {
  const params: StatsParams = {
    userIds: [...userIds],
    activity: range.activity ?? null,
    from: range.from ?? null,
    to: range.to ?? null,
  };
  // One snapshot for all four, so the totals and the breakdowns agree under concurrent imports,
  // and one pooled connection per request.
  const [all, perActivity, perWeek, longest] = await em.transactional(
    async (tx) =>
      [
        await statsTotals(tx, params),
        await statsByActivity(tx, params),
        await statsByWeek(tx, params),
        await statsLongest(tx, params),
      ] as const,
    { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
  );
  const totalsOf = new Map(all.map((r) => [r.user_id, totals(r)]));
  const activities = groupBy(perActivity, (r) => ({ ...totals(r), activity: r.activity }));
  const weeks = groupBy(perWeek, (r) => ({
    weekStart: new Date(r.week_start),
    count: r.count,
    totalDurationSec: r.total_duration_sec,
    totalDistanceM: r.total_distance_m,
  }));
  const longestOf = new Map(longest.map((r) => [r.user_id, em.map(Session, r)]));
  return userIds.map((id): SessionStats => ({
    ...(totalsOf.get(id) ?? NO_SESSIONS),
    longest: longestOf.get(id) ?? null,
    byActivity: activities.get(id) ?? [],
    byWeek: weeks.get(id) ?? [],
  }));
}

export function createStatsLoaders(em: EntityManager) {
  const loaders = new Map<string, DataLoader<string, SessionStats>>();
  return {
    /** One loader per distinct range, batching the users that ask it. */
    stats(range: StatsRange) {
      const key = JSON.stringify(range);
      let loader = loaders.get(key);
      if (!loader) {
        loader = new DataLoader((userIds) => statsOfUsers(em, userIds, range));
        loaders.set(key, loader);
      }
      return loader;
    },
  };
}
