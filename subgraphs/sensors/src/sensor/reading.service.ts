import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, decodeCursor, type Page, pageSize, statement, toPage } from '@switchyard/kit';
import DataLoader from 'dataloader';
import type { Reading } from './reading.types.js';

type ReadingRow = { sensor_id: string; at: string; value: number };

const latestReadings = statement<{ ids: string[] }, ReadingRow>(
  `/* latestReadings */ select s.id as sensor_id, r.at, r.value from unnest(:ids::uuid[]) s(id)
   cross join lateral (select at, value from sensors.readings where sensor_id = s.id order by at desc limit 1) r`,
);

const readingsPage = statement<
  { ids: string[]; from: Date | null; to: Date | null; before: Date | null; limit: number },
  ReadingRow
>(
  `/* readings */ select s.id as sensor_id, r.at, r.value from unnest(:ids::uuid[]) s(id) cross join lateral (
     select at, value from sensors.readings
     where sensor_id = s.id and (:from::timestamptz is null or at >= :from) and (:to::timestamptz is null or at < :to)
       and (:before::timestamptz is null or at < :before)
     order by at desc limit :limit
   ) r`,
);

/** Each sensor's newest reading, for a whole response in one statement. */
export function latestReadingLoader(em: EntityManager) {
  return new DataLoader<string, Reading | null>(async (ids) => {
    const rows = await latestReadings(em, { ids: [...ids] });
    const byId = new Map(rows.map((r) => [r.sensor_id, { at: new Date(r.at), value: r.value }]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

export interface ReadingsArgs {
  from?: Date | null;
  to?: Date | null;
  first?: number | null;
  after?: string | null;
}

/** Sensors' readings in [from, to), newest first, a page each, in one statement. */
export async function readingsOf(
  em: EntityManager,
  args: ReadingsArgs,
  ids: string[],
): Promise<Map<string, Page<Reading>>> {
  if (args.from && args.to && args.from >= args.to) throw new BadUserInputError('to', 'must be after from');
  const size = pageSize(args.first);
  const [before] = decodeCursor(args.after, ['date']) ?? [null];
  const rows = await readingsPage(em, {
    ids,
    from: args.from ?? null,
    to: args.to ?? null,
    before,
    limit: size + 1,
  });
  const bySensor = new Map<string, Reading[]>(ids.map((id) => [id, []]));
  for (const r of rows) bySensor.get(r.sensor_id)!.push({ at: new Date(r.at), value: r.value });
  return new Map([...bySensor].map(([id, readings]) => [id, toPage(readings, size, (r) => [r.at.toISOString()])]));
}
