import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { CATALOGUE_PAGE, CodePageArgs, codePage } from '../catalog.inputs.js';
import * as catalog from '../catalog.service.js';
import type { SensorsContext } from '../context.js';
import { SensorConnection } from '../sensor/sensor.entity.js';
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
  analytics(
    @Root() equipment: Equipment,
    @Ctx() ctx: SensorsContext,
    @Arg('kind', () => AnalyticsKind) kind: keyof typeof AnalyticsKind,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
  ): Promise<AnalyticsPoint[]> {
    return ctx.loaders.analytics.load({ id: equipment.id, args: { kind, from, to } });
  }

  @FieldResolver(() => SensorConnection, {
    description: `Its sensors by code, ${CATALOGUE_PAGE} a page unless \`first\` says.`,
  })
  sensors(@Root() equipment: Equipment, @Ctx() ctx: SensorsContext, @Args() page: CodePageArgs) {
    return ctx.loaders.sensorsOfEquipment.load({ id: equipment.id, args: codePage(page) });
  }
}
