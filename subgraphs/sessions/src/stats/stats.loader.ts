import type { EntityManager } from '@mikro-orm/postgresql';
import { IsolationLevel } from '@mikro-orm/core';
import { sqlRows } from '@switchyard/kit';
import DataLoader from 'dataloader';
import { Session } from '../session/session.entity.js';
import { conditions } from '../session/session.query.js';
import type { Activity } from '../session/session.entity.js';
import type { SessionStats } from './stats.types.js';

export interface StatsRange {
  from?: Date;
  to?: Date;
  activity?: Activity;
}

type Row = Record<string, unknown>;

// Sums in float8: a bigint would come back as a string, and an int could overflow.
const TOTALS = `count(*)::int as count,
  coalesce(sum(duration_sec), 0)::float8 as total_duration_sec,
  avg(duration_sec)::float8 as average_duration_sec,
  coalesce(sum(distance_m), 0)::float8 as total_distance_m,
  coalesce(sum(calories), 0)::float8 as total_calories,
  avg(avg_heart_rate)::float8 as average_heart_rate`;

const totals = (r: Row) => ({
  count: r.count as number,
  totalDurationSec: r.total_duration_sec as number,
  averageDurationSec: r.average_duration_sec as number | null,
  totalDistanceM: r.total_distance_m as number,
  totalCalories: r.total_calories as number,
  averageHeartRate: r.average_heart_rate as number | null,
});

const NO_SESSIONS = {
  count: 0,
  totalDurationSec: 0,
  averageDurationSec: null,
  totalDistanceM: 0,
  totalCalories: 0,
  averageHeartRate: null,
};

function groupBy<T>(rows: Row[], map: (r: Row) => T): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(row.user_id as string) ?? [];
    list.push(map(row));
    groups.set(row.user_id as string, list);
  }
  return groups;
}

/**
 * Statistics for a batch of users, computed by PostgreSQL aggregates (never by loading rows):
 * four grouped statements however many users are asked.
 */
async function statsOfUsers(em: EntityManager, userIds: readonly string[], range: StatsRange) {
  const { where, params } = conditions(range);
  const scope = `user_id = any(?::uuid[]) and ${where}`;
  const args = [[...userIds], ...params];
  // One snapshot for all four, so the totals and the breakdowns agree under concurrent imports,
  // and one pooled connection per request.
  const [all, perActivity, perWeek, longest] = await em.transactional(
    async (tx) => [
      await sqlRows(
        tx,
        `/* statsTotals */ select user_id, ${TOTALS} from sessions where ${scope} group by user_id`,
        args,
      ),
      await sqlRows(
        tx,
        `/* statsByActivity */ select user_id, activity, ${TOTALS} from sessions where ${scope}
       group by user_id, activity order by user_id, activity`,
        args,
      ),
      await sqlRows(
        tx,
        `/* statsByWeek */ select user_id, date_trunc('week', started_at at time zone 'UTC') at time zone 'UTC' as week_start,
         count(*)::int as count, sum(duration_sec)::float8 as total_duration_sec,
         coalesce(sum(distance_m), 0)::float8 as total_distance_m
       from sessions where ${scope} group by 1, 2 order by 1, 2`,
        args,
      ),
      await sqlRows(
        tx,
        `/* statsLongest */ select distinct on (user_id) * from sessions where ${scope}
       order by user_id, duration_sec desc, started_at desc, id`,
        args,
      ),
    ],
    { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
  );
  const totalsOf = new Map(all.map((r: Row) => [r.user_id as string, totals(r)]));
  const activities = groupBy(perActivity, (r) => ({ ...totals(r), activity: r.activity as Activity }));
  const weeks = groupBy(perWeek, (r) => ({
    weekStart: new Date(r.week_start as string),
    count: r.count as number,
    totalDurationSec: r.total_duration_sec as number,
    totalDistanceM: r.total_distance_m as number,
  }));
  const longestOf = new Map(longest.map((r: Row) => [r.user_id as string, em.map(Session, r)]));
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
