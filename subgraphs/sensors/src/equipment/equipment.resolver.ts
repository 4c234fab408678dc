import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { BadUserInputError, sqlRows } from '@switchyard/kit';
import * as catalog from '../catalog.service.js';
import type { SensorsContext } from '../context.js';
import { Sensor } from '../sensor/sensor.entity.js';
import { Site } from '../site/site.entity.js';
import { AnalyticsKind, AnalyticsPoint } from './analytics.types.js';
import { Equipment } from './equipment.entity.js';

@Resolver(() => Equipment)
export class EquipmentResolver {
  @Authorized('ADMIN')
  @Mutation(() => Equipment)
  createEquipment(
    @Arg('siteId', () => ID) siteId: string,
    @Arg('code') code: string,
    @Arg('name') name: string,
    @Arg('location', () => String, { nullable: true }) location: string | undefined,
    @Ctx() ctx: SensorsContext,
  ) {
    return catalog.createEquipment(ctx, { siteId, code, name, location });
  }

  @Authorized('ADMIN')
  @Mutation(() => [Equipment], { description: 'Deactivates one or many; they keep their history.' })
  deactivateEquipment(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: SensorsContext) {
    return catalog.setEquipmentActive(ctx, ids, false);
  }

  @FieldResolver(() => Site)
  site(@Root() equipment: Equipment, @Ctx() ctx: SensorsContext) {
    return ctx.loaders.site.load(equipment.siteId);
  }

  @FieldResolver(() => [AnalyticsPoint], {
    description: 'Results of one kind in [from, to), oldest first, at most 10000.',
  })
  async analytics(
    @Root() equipment: Equipment,
    @Ctx() ctx: SensorsContext,
    @Arg('kind', () => AnalyticsKind) kind: keyof typeof AnalyticsKind,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
  ): Promise<AnalyticsPoint[]> {
    if (from >= to) throw new BadUserInputError('to', 'must be after from');
    const rows = await sqlRows<{ at: string; value: number; model: string }>(
      ctx.em,
      `/* equipmentAnalytics */ select at, value, model from sensors.analytics
       where equipment_id = ? and kind = ? and at >= ? and at < ? order by at, model limit 10000`,
      [equipment.id, kind, from, to],
    );
    return rows.map((r) => ({ ...r, at: new Date(r.at) }));
  }

  @FieldResolver(() => [Sensor])
  sensors(@Root() equipment: Equipment, @Ctx() ctx: SensorsContext) {
    return ctx.loaders.sensorsOfEquipment.load(equipment.id);
  }
}
