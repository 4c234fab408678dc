import {
  BadUserInputError,
  ForbiddenError,
  isAdmin,
  NotFoundError,
  type Page,
  pageSize,
  parseInput,
  requireSelfOrAdmin,
  requireUser,
  isUuid,
  statement,
  type Viewer,
} from '@switchyard/kit';
import type { SessionsContext } from '../context.js';
import { type Activity, Session } from './session.entity.js';
import {
  Filter,
  type ImportReport,
  MAX_IMPORT,
  NewSession,
  type RejectedRow,
  type SessionFilter,
  type SessionImportRow,
  type SessionInput,
  type SessionOrder,
  type UserSessionFilter,
} from './session.inputs.js';
import { findSessions, type SessionQuery } from './session.query.js';

/** Whose session this is: the caller, unless an admin names someone else. */
function ownerOf(viewer: Viewer, userId: string | null | undefined): string {
  if (userId && userId !== viewer.id && !isAdmin(viewer)) {
    throw new ForbiddenError("not allowed to write another user's sessions");
  }
  return userId ?? viewer.id;
}

export async function createSession(ctx: SessionsContext, input: SessionInput): Promise<Session> {
  const viewer = requireUser(ctx);
  const { userId, ...fields } = parseInput(NewSession, input);
  const session = ctx.em.create(Session, { ...fields, userId: ownerOf(viewer, userId?.toLowerCase()) });
  await ctx.em.flush();
  return session;
}

/** Many sessions in one statement: one array per column, the rows by position. */
const insertSessions = statement<
  {
    id: string[];
    userId: string[];
    activity: Activity[];
    startedAt: Date[];
    durationSec: number[];
    distanceM: Array<number | null>;
    calories: Array<number | null>;
    avgHeartRate: Array<number | null>;
    notes: Array<string | null>;
  },
  never
>(
  `/* importSessions */ insert into sessions
     (id, user_id, activity, started_at, duration_sec, distance_m, calories, avg_heart_rate, notes)
   select * from unnest(:id::uuid[], :userId::uuid[], :activity::text[], :startedAt::timestamptz[], :durationSec::int[],
     :distanceM::float8[], :calories::float8[], :avgHeartRate::int[], :notes::text[])`,
);

/**
 * Stores every valid row in one statement and reports each invalid one by index; nothing is
 * stored when the caller may not write one of the named users' sessions.
 */
export async function importSessions(ctx: SessionsContext, rows: SessionImportRow[]): Promise<ImportReport> {
  const viewer = requireUser(ctx);
  if (rows.length > MAX_IMPORT) throw new BadUserInputError('sessions', `must hold at most ${MAX_IMPORT} rows`);
  // A malformed userId is that row's problem; a well-formed one naming someone else is the caller's.
  const owners = rows.map((row) =>
    row.userId && !isUuid(row.userId) ? null : ownerOf(viewer, row.userId?.toLowerCase()),
  );
  const valid: Array<NewSession & { userId: string; id: string }> = [];
  const rejected: RejectedRow[] = [];
  rows.forEach((row, index) => {
    if (owners[index] === null) {
      rejected.push({ index, field: 'userId', reason: 'must be a user id' });
      return;
    }
    const parsed = NewSession.safeParse(row);
    if (parsed.success) valid.push({ ...parsed.data, userId: owners[index]!, id: crypto.randomUUID() });
    else {
      const issue = parsed.error.issues[0]!;
      rejected.push({ index, field: issue.path.join('.') || 'row', reason: issue.message });
    }
  });
  if (valid.length) {
    await insertSessions(ctx.em, {
      id: valid.map((s) => s.id),
      userId: valid.map((s) => s.userId),
      activity: valid.map((s) => s.activity),
      startedAt: valid.map((s) => s.startedAt),
      durationSec: valid.map((s) => s.durationSec),
      distanceM: valid.map((s) => s.distanceM),
      calories: valid.map((s) => s.calories),
      avgHeartRate: valid.map((s) => s.avgHeartRate),
      notes: valid.map((s) => s.notes),
    });
  }
  return { imported: valid.length, rejected };
}

/** A session the viewer may see; others' look the same as missing ones, so ids reveal nothing. */
export async function visibleSession(ctx: SessionsContext, id: string): Promise<Session | null> {
  const viewer = requireUser(ctx);
  const session = await ctx.loaders.session.load(id);
  return session && (session.userId === viewer.id || isAdmin(viewer)) ? session : null;
}

export async function deleteSession(ctx: SessionsContext, id: string): Promise<boolean> {
  if (!(await visibleSession(ctx, id))) throw new NotFoundError('session');
  await ctx.em.nativeDelete(Session, { id });
  return true;
}

interface PageArgs {
  first?: number | null;
  after?: string | null;
  orderBy?: SessionOrder | null;
}

function toQuery(filter: UserSessionFilter | undefined, args: PageArgs): SessionQuery {
  const { userId: _ignored, ...parsed } = parseInput(Filter, filter ?? {});
  return { filter: parsed, order: args.orderBy ?? 'STARTED_AT_DESC', size: pageSize(args.first), after: args.after };
}

/** `sessions(filter)`: one's own, or for an admin anyone's (everyone's without userId). */
export async function listSessions(
  ctx: SessionsContext,
  filter: SessionFilter | undefined,
  args: PageArgs,
): Promise<Page<Session>> {
  const viewer = requireUser(ctx);
  const userId = filter?.userId ?? (isAdmin(viewer) ? null : viewer.id);
  if (userId) requireSelfOrAdmin(ctx, userId);
  return findSessions(ctx.em, userId, toQuery(filter, args));
}

/** `User.sessions`: batched across the users of one response. */
export function userSessions(
  ctx: SessionsContext,
  userId: string,
  filter: UserSessionFilter | undefined,
  args: PageArgs,
): Promise<Page<Session>> {
  requireSelfOrAdmin(ctx, userId);
  return ctx.loaders.sessionsOfUser(toQuery(filter, args)).load(userId);
}
