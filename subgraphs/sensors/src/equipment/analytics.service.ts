import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, statement } from '@switchyard/kit';
import type { AnalyticsKind } from '../analytics.js';
import type { AnalyticsPoint } from './analytics.types.js';

const equipmentAnalytics = statement<
  { ids: string[]; kind: AnalyticsKind; from: Date; to: Date },
  { equipment_id: string; at: string; value: number; model: string }
>(
  `/* equipmentAnalytics */ select e.id as equipment_id, a.at, a.value, a.model from unnest(:ids::uuid[]) e(id)
   cross join lateral (
     select at, value, model from sensors.analytics
     where equipment_id = e.id and kind = :kind and at >= :from and at < :to order by at, model limit 10000
   ) a`,
);

/** Equipment's results of one kind in [from, to), oldest first, at most 10000 each, in one statement. */
export async function analyticsOf(
  em: EntityManager,
  args: { kind: AnalyticsKind; from: Date; to: Date },
  ids: string[],
): Promise<Map<string, AnalyticsPoint[]>> {
  if (args.from >= args.to) throw new BadUserInputError('to', 'must be after from');
  const rows = await equipmentAnalytics(em, { ids, kind: args.kind, from: args.from, to: args.to });
  const byEquipment = new Map<string, AnalyticsPoint[]>(ids.map((id) => [id, []]));
  for (const { equipment_id, ...r } of rows) byEquipment.get(equipment_id)!.push({ ...r, at: new Date(r.at) });
  return byEquipment;
}
