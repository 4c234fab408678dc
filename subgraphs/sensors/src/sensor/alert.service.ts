import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, decodeCursor, type Page, pageSize, statement, toPage } from '@switchyard/kit';
import type { SensorAlert } from './live.resolver.js';

const alertsPage = statement<
  {
    siteId: string | null;
    from: Date | null;
    to: Date | null;
    beforeAt: Date | null;
    beforeSensor: string | null;
    limit: number;
  },
  Omit<SensorAlert, 'at'> & { at: string }
>(
  `/* sensorAlerts */ select a.sensor_id as "sensorId", e.site_id as "siteId", a.at, a.value, a.kind,
     a.normal_min as "normalMin", a.normal_max as "normalMax"
   from sensors.alerts a join sensors.sensors s on s.id = a.sensor_id join sensors.equipment e on e.id = s.equipment_id
   where (:siteId::uuid is null or e.site_id = :siteId::uuid)
     and (:from::timestamptz is null or a.at >= :from) and (:to::timestamptz is null or a.at < :to)
     and (:beforeAt::timestamptz is null or (a.at, a.sensor_id) < (:beforeAt, :beforeSensor::uuid))
   order by a.at desc, a.sensor_id desc limit :limit`,
);

/** Stored alerts, newest first, of one site or all, in [from, to), a page at a time. */
export async function listSensorAlerts(
  em: EntityManager,
  args: { siteId?: string | null; from?: Date | null; to?: Date | null; first?: number | null; after?: string | null },
): Promise<Page<SensorAlert>> {
  if (args.from && args.to && args.from >= args.to) throw new BadUserInputError('to', 'must be after from');
  const size = pageSize(args.first);
  const [beforeAt, beforeSensor] = decodeCursor(args.after, ['date', 'string']) ?? [null, null];
  const rows = await alertsPage(em, {
    siteId: args.siteId ?? null,
    from: args.from ?? null,
    to: args.to ?? null,
    beforeAt,
    beforeSensor,
    limit: size + 1,
  });
  return toPage(
    rows.map((r) => ({ ...r, at: new Date(r.at) })),
    size,
    (a) => [a.at.toISOString(), a.sensorId],
  );
}
