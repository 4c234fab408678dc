import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, decodeCursor, type Page, pageSize, sqlRows, toPage } from '@switchyard/kit';
import type { SensorAlert } from './live.resolver.js';

/** Stored alerts, newest first, of one site or all, in [from, to), a page at a time. */
export async function listSensorAlerts(
  em: EntityManager,
  args: { siteId?: string | null; from?: Date | null; to?: Date | null; first?: number | null; after?: string | null },
): Promise<Page<SensorAlert>> {
  if (args.from && args.to && args.from >= args.to) throw new BadUserInputError('to', 'must be after from');
  const size = pageSize(args.first);
  const [beforeAt, beforeSensor] = decodeCursor(args.after, ['date', 'string']) ?? [null, null];
  const rows = await sqlRows<Omit<SensorAlert, 'at'> & { at: string }>(
    em,
    `/* sensorAlerts */ select a.sensor_id as "sensorId", e.site_id as "siteId", a.at, a.value, a.kind,
       a.normal_min as "normalMin", a.normal_max as "normalMax"
     from sensors.alerts a join sensors.sensors s on s.id = a.sensor_id join sensors.equipment e on e.id = s.equipment_id
     where (?::uuid is null or e.site_id = ?::uuid)
       and (?::timestamptz is null or a.at >= ?) and (?::timestamptz is null or a.at < ?)
       and (?::timestamptz is null or (a.at, a.sensor_id) < (?, ?::uuid))
     order by a.at desc, a.sensor_id desc limit ?`,
    [
      args.siteId ?? null,
      args.siteId ?? null,
      args.from ?? null,
      args.from ?? null,
      args.to ?? null,
      args.to ?? null,
      beforeAt,
      beforeAt,
      beforeSensor,
      size + 1,
    ],
  );
  return toPage(
    rows.map((r) => ({ ...r, at: new Date(r.at) })),
    size,
    (a) => [a.at.toISOString(), a.sensorId],
  );
}
