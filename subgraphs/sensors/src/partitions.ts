// Raw readings live in weekly partitions of sensors.readings (native range partitioning on `at`):
// retention drops a whole week at once instead of deleting rows one by one. Partitions are made
// ahead by the READINGS retention task and, for any week a batch needs that has none yet (a
// backfill, or a store whose task has not run), by whoever stores readings, before its
// transaction. The migration that partitioned the table kept the earlier rows as one partition
// from MINVALUE up to a week boundary.
import type { EntityManager } from '@mikro-orm/postgresql';
import { statement } from '@switchyard/kit';

export const WEEK_MS = 7 * 86_400_000;
/** Weeks start on Monday 00:00 UTC, counted from Monday 5 January 1970. */
const MONDAY = Date.UTC(1970, 0, 5);

/** The start of the week holding `ms`. */
export const weekOf = (ms: number) => MONDAY + Math.floor((ms - MONDAY) / WEEK_MS) * WEEK_MS;

export interface Partition {
  name: string;
  /** Its bounds, [from, to); null for MINVALUE / MAXVALUE. */
  from: Date | null;
  to: Date | null;
}

const partitionsNow = statement<Record<string, never>, { name: string; from: string | null; to: string | null }>(
  `/* readingPartitions */ select c.relname as name,
     substring(pg_get_expr(c.relpartbound, c.oid) from 'FROM \\(''([^'']+)''\\)')::timestamptz as "from",
     substring(pg_get_expr(c.relpartbound, c.oid) from 'TO \\(''([^'']+)''\\)')::timestamptz as "to"
   from pg_inherits i join pg_class c on c.oid = i.inhrelid
   where i.inhparent = 'sensors.readings'::regclass order by 2 nulls first`,
);

/** The partitions of sensors.readings, oldest first. */
export async function readingPartitions(em: EntityManager): Promise<Partition[]> {
  return (await partitionsNow(em, {})).map((p) => ({
    name: p.name,
    from: p.from === null ? null : new Date(p.from),
    to: p.to === null ? null : new Date(p.to),
  }));
}

const keptSince = statement<Record<string, never>, { readings_from: string }>(
  '/* readingsKeptSince */ select readings_from from sensors.kept_since',
);

/** Readings before this instant are no longer kept raw; older ones are refused (null: all kept). */
export async function readingsKeptSince(em: EntityManager): Promise<Date | null> {
  const [row] = await keptSince(em, {});
  return row ? new Date(row.readings_from) : null;
}

/** Runs DDL (statements without parameters or rows) in the transaction `tx`. */
export const runIn = (tx: EntityManager) => (sql: string) =>
  tx.getConnection().execute(sql, [], 'run', tx.getTransactionContext());

const covers = (p: Partition, week: number) =>
  (p.from === null || p.from.getTime() <= week) && (p.to === null || p.to.getTime() >= week + WEEK_MS);

/**
 * Week starts known to have a partition, per database (an ORM's connection). Retention may drop
 * one since, but only weeks before the readings kept (readingsKeptSince), which are refused
 * before they are stored.
 */
const knownWeeks = new WeakMap<object, Set<number>>();
const knownIn = (em: EntityManager) => {
  const connection = em.getConnection();
  let known = knownWeeks.get(connection);
  if (!known) knownWeeks.set(connection, (known = new Set()));
  return known;
};

/**
 * Makes sure every week holding one of `instants` has its partition. Call it before the
 * transaction that stores them: making a partition locks the whole table for a moment, and must
 * not wait inside a transaction that holds rows of it.
 */
export async function prepareReadingPartitions(em: EntityManager, instants: Iterable<Date | number>): Promise<void> {
  const known = knownIn(em);
  const weeks = new Set<number>();
  for (const instant of instants) {
    const week = weekOf(typeof instant === 'number' ? instant : instant.getTime());
    if (!known.has(week) && Number.isFinite(week)) weeks.add(week);
  }
  if (!weeks.size) return;
  const partitions = await readingPartitions(em);
  // Weeks whose readings are no longer kept get none: such readings are refused anyway.
  const keptFrom = (await readingsKeptSince(em))?.getTime() ?? -Infinity;
  for (const week of [...weeks].sort((a, b) => a - b)) {
    if (week + WEEK_MS <= keptFrom) continue;
    if (!partitions.some((p) => covers(p, week))) await createWeek(em, week);
    known.add(week);
  }
}

/** How long making or dropping a partition waits for the table's lock before it gives up. */
export const PARTITION_LOCK_TIMEOUT = '5s';

async function createWeek(em: EntityManager, week: number): Promise<void> {
  const from = new Date(week).toISOString();
  const to = new Date(week + WEEK_MS).toISOString();
  const name = `readings_${from.slice(0, 10).replaceAll('-', '')}`;
  // Made on its own and then attached: attaching takes a lock that lets readers and writers of
  // the other weeks go on, where CREATE ... PARTITION OF would stop them all for a moment.
  // Names and bounds are made here from a number, never from input.
  try {
    await em.transactional(async (tx) => {
      const run = runIn(tx);
      await run(`set local lock_timeout = '${PARTITION_LOCK_TIMEOUT}'`);
      await run(
        `/* createReadingWeek */ create table if not exists sensors.${name} (like sensors.readings including defaults including constraints)`,
      );
      await run(
        `/* attachReadingWeek */ alter table sensors.readings attach partition sensors.${name} for values from ('${from}') to ('${to}')`,
      );
    });
  } catch (error) {
    // Made (or attached) by another process at the same moment: checked below.
    if (!['42P07', '42710', '23505', '42P17', '42809'].includes((error as { code?: string }).code ?? '')) throw error;
  }
  if (!(await readingPartitions(em)).some((p) => covers(p, week))) {
    throw new Error(`sensors.readings has no partition for the week of ${from} (is ${name} a table of its own?)`);
  }
}

/** Whether `error` is PostgreSQL finding no partition for a row. */
export const isMissingPartition = (error: unknown) => {
  const { code, routine } = error as { code?: string; routine?: string };
  return code === '23514' && (routine === 'ExecFindPartition' || /partition/.test(String(error)));
};

/**
 * `store` (a transaction storing readings at `instants`) with its weeks' partitions made first;
 * should a week's partition have gone meanwhile (dropped by hand, say), they are looked up again
 * and `store` runs once more, rather than its readings being taken for bad data.
 */
export async function withReadingPartitions<T>(
  em: EntityManager,
  instants: Array<Date | number>,
  store: () => Promise<T>,
): Promise<T> {
  await prepareReadingPartitions(em, instants);
  try {
    return await store();
  } catch (error) {
    if (!isMissingPartition(error)) throw error;
    knownWeeks.delete(em.getConnection());
    await prepareReadingPartitions(em, instants);
    return store();
  }
}
