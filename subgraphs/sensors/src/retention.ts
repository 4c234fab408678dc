// Retention of this domain's data, for the cleanup worker (`@switchyard/sensors/retention`).
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlRows } from '@switchyard/kit';

/**
 * Deletes up to `batch` raw readings taken before `before`; the rollups, and so series, stay.
 * From now on readings older than `before` are refused (see `readingsKeptSince`).
 */
export async function pruneReadings(em: EntityManager, before: Date, batch: number): Promise<number> {
  await sqlRows(
    em,
    `/* keptSince */ insert into sensors.kept_since (only_row, readings_from) values (true, ?)
     on conflict (only_row) do update set readings_from = greatest(sensors.kept_since.readings_from, excluded.readings_from)`,
    [before],
  );
  const rows = await sqlRows(
    em,
    `/* pruneReadings */ delete from sensors.readings where ctid = any(array(
       select ctid from sensors.readings where at < ? limit ?
     )) returning 1`,
    [before, batch],
  );
  return rows.length;
}
