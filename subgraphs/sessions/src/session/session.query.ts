import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, decodeCursor, isUuid, type Page, sqlRows, toPage } from '@switchyard/kit';
import { Session } from './session.entity.js';
import type { Filter, SessionOrder } from './session.inputs.js';

/** A page of sessions: filter, order, size and the cursor to continue after. */
export interface SessionQuery {
  filter: Omit<Filter, 'userId'>;
  order: SessionOrder;
  size: number;
  after?: string | null;
}

const ORDERS = {
  STARTED_AT_DESC: { by: 'started_at desc, id desc', key: 'started_at', kind: 'date', cmp: '<' },
  STARTED_AT_ASC: { by: 'started_at asc, id asc', key: 'started_at', kind: 'date', cmp: '>' },
  DURATION_DESC: { by: 'duration_sec desc, id desc', key: 'duration_sec', kind: 'number', cmp: '<' },
  DURATION_ASC: { by: 'duration_sec asc, id asc', key: 'duration_sec', kind: 'number', cmp: '>' },
} as const;

/** SQL conditions (joined with `and`) for a filter, and for a keyset cursor when given. */
export function conditions(filter: SessionQuery['filter'], after?: string | null, order?: SessionOrder) {
  const sql: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, ...values: unknown[]) => {
    sql.push(condition);
    params.push(...values);
  };
  if (filter.activity) add('activity = ?', filter.activity);
  if (filter.from) add('started_at >= ?', filter.from);
  if (filter.to) add('started_at < ?', filter.to);
  if (filter.minDurationSec != null) add('duration_sec >= ?', filter.minDurationSec);
  if (filter.maxDurationSec != null) add('duration_sec <= ?', filter.maxDurationSec);
  if (order) {
    const o = ORDERS[order];
    const cursor = decodeCursor(after, [o.kind, 'string']);
    if (cursor) {
      const badKey = o.kind === 'number' && !Number.isSafeInteger(cursor[0]);
      if (badKey || !isUuid(cursor[1])) throw new BadUserInputError('after', 'is not a cursor from this list');
      add(`(${o.key}, id) ${o.cmp} (?, ?::uuid)`, cursor[0], cursor[1]);
    }
  }
  return { where: sql.length ? sql.join(' and ') : 'true', params };
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
  const { where, params } = conditions(query.filter, query.after, query.order);
  const rows = await sqlRows(
    em,
    `/* listSessions */ select * from sessions where ${userId ? 'user_id = ? and ' : ''}${where}
     order by ${ORDERS[query.order].by} limit ?`,
    [...(userId ? [userId] : []), ...params, query.size + 1],
  );
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
  const { where, params } = conditions(query.filter, query.after, query.order);
  const rows = await sqlRows(
    em,
    `/* userSessions */ select s.* from unnest(?::uuid[]) as u(id) cross join lateral (
       select * from sessions where user_id = u.id and ${where} order by ${ORDERS[query.order].by} limit ?
     ) s`,
    [[...userIds], ...params, query.size + 1],
  );
  const byUser = new Map<string, Session[]>(userIds.map((id) => [id, []]));
  for (const row of rows) {
    const session = em.map(Session, row);
    byUser.get(session.userId)?.push(session);
  }
  return new Map([...byUser].map(([id, sessions]) => [id, pageOf(sessions, query)]));
}
