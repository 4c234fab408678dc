import { daysAgo, defineRetention, statement, z } from '@switchyard/kit';
import { prepareReadingPartitions, readingPartitions, WEEK_MS } from '../partitions.js';

const keepSince = statement<{ before: Date }, never>(
  `/* keptSince */ insert into sensors.kept_since (only_row, readings_from) values (true, :before)
   on conflict (only_row) do update set readings_from = greatest(sensors.kept_since.readings_from, excluded.readings_from)`,
);

/** Weeks made ahead of time, so a week's first readings never wait for its partition. */
const WEEKS_AHEAD = 4;

/**
 * Raw readings past retention, a week's partition at a time (dropped whole once all of it is older
 * than the cut-off, so up to a week more is kept); their minute and hour rollups, and so series,
 * stay. From then on readings before the end of the dropped weeks are refused (see
 * `readingsKeptSince`). Each run also makes the partitions of the coming weeks.
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
      deleted += await em.transactional(async (tx) => {
        await keepSince(tx, { before: partition.to! });
        const connection = tx.getConnection();
        const context = tx.getTransactionContext();
        const [row] = await connection.execute<Array<{ n: string }>>(
          `/* countExpiredReadings */ select count(*) as n from sensors."${partition.name}"`,
          [],
          'all',
          context,
        );
        await connection.execute(
          `/* dropExpiredReadings */ drop table sensors."${partition.name}"`,
          [],
          'run',
          context,
        );
        return Number(row?.n ?? 0);
      });
    }
    return deleted;
  },
});
