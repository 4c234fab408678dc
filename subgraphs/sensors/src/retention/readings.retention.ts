import { daysAgo, defineRetention, statement, z } from '@switchyard/kit';

const keepSince = statement<{ before: Date }, never>(
  `/* keptSince */ insert into sensors.kept_since (only_row, readings_from) values (true, :before)
   on conflict (only_row) do update set readings_from = greatest(sensors.kept_since.readings_from, excluded.readings_from)`,
);

const pruneReadings = statement<{ before: Date; limit: number }, { '?column?': 1 }>(
  `/* pruneReadings */ delete from sensors.readings where ctid = any(array(
     select ctid from sensors.readings where at < :before limit :limit
   )) returning 1`,
);

/**
 * Raw readings past retention; their minute and hour rollups, and so series, stay. From then on
 * readings older than the cut-off are refused (see `readingsKeptSince`).
 */
export const readingsRetention = defineRetention({
  name: 'READINGS',
  reason: 'raw reading past retention (rollups kept)',
  schedule: '17 2 * * *',
  settings: {
    /** Raw sensor readings are kept this long; their minute and hour rollups stay. */
    READING_RETENTION_DAYS: z.coerce.number().min(0).default(30),
  },
  batch: async (em, { READING_RETENTION_DAYS }, limit) => {
    const before = daysAgo(READING_RETENTION_DAYS);
    await keepSince(em, { before });
    const rows = await pruneReadings(em, { before, limit });
    return rows.length;
  },
});
