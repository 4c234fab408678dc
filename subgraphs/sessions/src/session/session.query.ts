import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, decodeCursor, isUuid, type Page, type Statement, statement, toPage } from '@switchyard/kit';
import { type Activity, Session } from './session.entity.js';
import type { Filter, SessionOrder } from './session.inputs.js';

/** A page of sessions: filter, order, size and the cursor to continue after. */
export interface SessionQuery {
  filter: Omit<Filter, 'userId'>;
  order: SessionOrder;
  size: number;
  after?: string | null;
}

/** A `sessions` row as the driver returns it (timestamps as text), for `em.map(Session, row)`. */
export type SessionRow = {
  id: string;
  user_id: string;
  activity: Activity;
  started_at: string;
  duration_sec: number;
  distance_m: number | null;
  calories: number | null;
  avg_heart_rate: number | null;
  notes: string | null;
  created_at: string;
};

/** A time range of one activity or all: each bound applies unless null. */
export type RangeParams = { activity: Activity | null; from: Date | null; to: Date | null };

/** The conditions of a {@link RangeParams} range (a null parameter drops its condition from the plan). */
export const RANGE_CONDITIONS = `(:activity::text is null or activity = :activity)
  and (:from::timestamptz is null or started_at >= :from) and (:to::timestamptz is null or started_at < :to)`;

/** A filter, the keyset cursor to continue after (key and id, both null on the first page), and the page size. */
type PageParams = RangeParams & {
  minDurationSec: number | null;
  maxDurationSec: number | null;
  afterKey: Date | number | null;
  afterId: string | null;
  limit: number;
};

const ORDERS = {
  STARTED_AT_DESC: { by: 'started_at desc, id desc', key: 'started_at', kind: 'date', cmp: '<' },
  STARTED_AT_ASC: { by: 'started_at asc, id asc', key: 'started_at', kind: 'date', cmp: '>' },
  DURATION_DESC: { by: 'duration_sec desc, id desc', key: 'duration_sec', kind: 'number', cmp: '<' },
  DURATION_ASC: { by: 'duration_sec asc, id asc', key: 'duration_sec', kind: 'number', cmp: '>' },
} as const;
type Order = (typeof ORDERS)[SessionOrder];

/** The conditions of {@link PageParams}, keyset cursor included, for one order. */
const pageConditions = (o: Order) => `${RANGE_CONDITIONS}
  and (:minDurationSec::int is null or duration_sec >= :minDurationSec)
  and (:maxDurationSec::int is null or duration_sec <= :maxDurationSec)
  and (:afterId::uuid is null or (${o.key}, id) ${o.cmp} (:afterKey, :afterId::uuid))`;

/** One statement per order, so each keeps its static `order by` (and the index that serves it). */
function perOrder<P extends Record<string, unknown>, R>(
  sql: (o: Order) => string,
): Record<SessionOrder, Statement<P, R>> {
  const orders = Object.entries(ORDERS) as Array<[SessionOrder, Order]>;
  return Object.fromEntries(orders.map(([name, o]) => [name, statement<P, R>(sql(o))])) as Record<
    SessionOrder,
    Statement<P, R>
  >;
}

const listPage = perOrder<PageParams & { userId: string | null }, SessionRow>(
  (o) => `/* listSessions */ select * from sessions
     where (:userId::uuid is null or user_id = :userId) and ${pageConditions(o)}
     order by ${o.by} limit :limit`,
);

const usersPages = perOrder<PageParams & { userIds: string[] }, SessionRow>(
  (o) => `/* userSessions */ select s.* from unnest(:userIds::uuid[]) as u(id) cross join lateral (
       select * from sessions where user_id = u.id and ${pageConditions(o)} order by ${o.by} limit :limit
     ) s`,
);

/** The parameters of a page: its filter, and the keyset cursor (checked) when given. */
function pageParams(query: SessionQuery): PageParams {
  const { activity, from, to, minDurationSec, maxDurationSec } = query.filter;
  const o = ORDERS[query.order];
  const cursor = decodeCursor(query.after, [o.kind, 'string']);
  if (cursor) {
    const badKey = o.kind === 'number' && !Number.isSafeInteger(cursor[0]);
    if (badKey || !isUuid(cursor[1])) throw new BadUserInputError('after', 'is not a cursor from this list');
  }
  return {
    activity: activity ?? null,
    from: from ?? null,
    to: to ?? null,
    minDurationSec: minDurationSec ?? null,
    maxDurationSec: maxDurationSec ?? null,
    afterKey: cursor?.[0] ?? null,
    afterId: cursor?.[1] ?? null,
    limit: query.size + 1,
  };
}

function pageOf(rows: Session[], query: SessionQuery): Page<Session> {
  const key =
    ORDERS[query.order].key === 'started_at'
      ? (s: Session) => s.startedAt.toISOString()
      : (s: Session) => s.durationSec;
  return toPage(rows, query.size, (s) => [key(s), s.id]);
}

/** One page of sessions, of one user or (userId null, for admins) everyone's. */
export async function findSessions(
  em: EntityManager,
  userId: string | null,
  query: SessionQuery,
): Promise<Page<Session>> {
  const rows = await listPage[query.order](em, { ...pageParams(query), userId });
  return pageOf(
    rows.map((row) => em.map(Session, row)),
    query,
  );
}

/** The same page for many users in one statement (a lateral join per user). */
export async function findSessionsOfUsers(
  em: EntityManager,
  userIds: readonly string[],
  query: SessionQuery,
): Promise<Map<string, Page<Session>>> {
  const rows = await usersPages[query.order](em, { ...pageParams(query), userIds: [...userIds] });
  const byUser = new Map<string, Session[]>(userIds.map((id) => [id, []]));
  for (const row of rows) {
    const session = em.map(Session, row);
    byUser.get(session.userId)?.push(session);
  }
  return new Map([...byUser].map(([id, sessions]) => [id, pageOf(sessions, query)]));
}
