import type { EntityManager } from '@mikro-orm/postgresql';
import { daysAgo, defineRetention, statement, z } from '@switchyard/kit';
import { PARTITION_LOCK_TIMEOUT, prepareReadingPartitions, readingPartitions, runIn, WEEK_MS } from '../partitions.js';

const keepSince = statement<{ before: Date }, never>(
  `/* keptSince */ insert into sensors.kept_since (only_row, readings_from) values (true, :before)
   on conflict (only_row) do update set readings_from = greatest(sensors.kept_since.readings_from, excluded.readings_from)`,
);

const rowsEstimate = statement<{ name: string }, { n: string }>(
  `/* readingWeekRowsEstimate */ select c.reltuples::bigint as n from pg_class c
   where c.oid = to_regclass('sensors.' || quote_ident(:name))`,
);

/** A week's rows: counted when there are few (under a million by the statistics), else estimated. */
async function rowsOf(em: EntityManager, name: string): Promise<number> {
  const [estimate] = await rowsEstimate(em, { name });
  if (!estimate) return 0; // dropped meanwhile, by a run of its own
  const n = Number(estimate.n);
  if (n >= 1_000_000) return n;
  const [row] = await em
    .getConnection()
    .execute<Array<{ n: string }>>(`/* readingWeekRows */ select count(*) as n from sensors."${name}"`);
  return Number(row?.n ?? 0);
}

/** Weeks made ahead of time, so a week's first readings never wait for its partition. */
const WEEKS_AHEAD = 4;

/**
 * Raw readings past retention, a week's partition at a time (dropped whole once all of it is older
 * than the cut-off, so up to a week more is kept); their minute and hour rollups, and so series,
 * stay. From then on readings before the end of the dropped weeks are refused (see
 * `readingsKeptSince`). Each run also makes the partitions of the coming weeks. The rows counted
 * for a dropped week of a million or more are PostgreSQL's estimate (autovacuum's statistics).
 */
export const readingsRetention = defineRetention({
  name: 'READINGS',
  reason: 'raw reading past retention (rollups kept)',
  schedule: '17 2 * * *',
  settings: {
    /** Raw sensor readings are kept at least this long (whole weeks go); their minute and hour rollups stay. */
    READING_RETENTION_DAYS: z.coerce.number().min(0).default(30),
  },
  batch: async (em, { READING_RETENTION_DAYS }) => {
    const now = Date.now();
    await prepareReadingPartitions(
      em,
      Array.from({ length: WEEKS_AHEAD + 1 }, (_, i) => now + i * WEEK_MS),
    );
    const before = daysAgo(READING_RETENTION_DAYS, now).getTime();
    let deleted = 0;
    for (const partition of await readingPartitions(em)) {
      if (!partition.to || partition.to.getTime() > before || !/^readings_\w+$/.test(partition.name)) continue;
      // A week of raw readings can hold billions: not counted one by one then.
      const rows = await rowsOf(em, partition.name);
      await em.transactional(async (tx) => {
        const run = runIn(tx);
        // Dropping locks the whole table: given up (and tried on the next run) rather than left
        // to queue every reader and writer behind a long one, a backup say.
        await run(`set local lock_timeout = '${PARTITION_LOCK_TIMEOUT}'`);
        await keepSince(tx, { before: partition.to! });
        await run(`/* dropExpiredReadings */ drop table if exists sensors."${partition.name}"`);
      });
      deleted += rows;
    }
    return deleted;
  },
});
