import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, sqlRows } from '@switchyard/kit';
import type { AnalyticsPoint } from './analytics.types.js';

/** Equipment's results of one kind in [from, to), oldest first, at most 10000 each, in one statement. */
export async function analyticsOf(
  em: EntityManager,
  args: { kind: string; from: Date; to: Date },
  ids: string[],
): Promise<Map<string, AnalyticsPoint[]>> {
  if (args.from >= args.to) throw new BadUserInputError('to', 'must be after from');
  const rows = await sqlRows<{ equipment_id: string; at: string; value: number; model: string }>(
    em,
    `/* equipmentAnalytics */ select e.id as equipment_id, a.at, a.value, a.model from unnest(?::uuid[]) e(id)
     cross join lateral (
       select at, value, model from sensors.analytics
       where equipment_id = e.id and kind = ? and at >= ? and at < ? order by at, model limit 10000
     ) a`,
    [ids, args.kind, args.from, args.to],
  );
  const byEquipment = new Map<string, AnalyticsPoint[]>(ids.map((id) => [id, []]));
  for (const { equipment_id, ...r } of rows) byEquipment.get(equipment_id)!.push({ ...r, at: new Date(r.at) });
  return byEquipment;
}
