import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, decodeCursor, type Page, pageSize, sqlRows, toPage } from '@switchyard/kit';
import DataLoader from 'dataloader';
import type { Reading } from './reading.types.js';

/** Each sensor's newest reading, for a whole response in one statement. */
export function latestReadingLoader(em: EntityManager) {
  return new DataLoader<string, Reading | null>(async (ids) => {
    const rows = await sqlRows<Reading & { sensor_id: string }>(
      em,
      `/* latestReadings */ select s.id as sensor_id, r.at, r.value from unnest(?::uuid[]) s(id)
       cross join lateral (select at, value from sensors.readings where sensor_id = s.id order by at desc limit 1) r`,
      [[...ids]],
    );
    const byId = new Map(rows.map((r) => [r.sensor_id, { at: new Date(r.at), value: r.value }]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** A sensor's readings in [from, to), newest first, a page at a time. */
export async function readingsOf(
  em: EntityManager,
  sensorId: string,
  args: { from?: Date | null; to?: Date | null; first?: number | null; after?: string | null },
): Promise<Page<Reading>> {
  if (args.from && args.to && args.from >= args.to) throw new BadUserInputError('to', 'must be after from');
  const size = pageSize(args.first);
  const [before] = decodeCursor(args.after, ['date']) ?? [null];
  const rows = await sqlRows<Reading>(
    em,
    `/* readings */ select at, value from sensors.readings
     where sensor_id = ? and (?::timestamptz is null or at >= ?) and (?::timestamptz is null or at < ?)
       and (?::timestamptz is null or at < ?)
     order by at desc limit ?`,
    [sensorId, args.from ?? null, args.from ?? null, args.to ?? null, args.to ?? null, before, before, size + 1],
  );
  return toPage(
    rows.map((r) => ({ at: new Date(r.at), value: r.value })),
    size,
    (r) => [r.at.toISOString()],
  );
}
