import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { READERS } from '../readers.js';
import * as catalog from '../catalog.service.js';
import type { SensorsContext } from '../context.js';
import { Equipment } from '../equipment/equipment.entity.js';
import { Site, SiteKind } from './site.entity.js';

@Resolver(() => Site)
export class SiteResolver {
  @Authorized(...READERS)
  @Query(() => [Site], { description: 'Every site, by code.' })
  sites(@Ctx() ctx: SensorsContext) {
    return ctx.em.find(Site, {}, { orderBy: { code: 'asc' } });
  }

  @Authorized(...READERS)
  @Query(() => Site, { nullable: true })
  site(@Arg('id', () => ID) id: string, @Ctx() ctx: SensorsContext) {
    return ctx.loaders.site.load(id);
  }

  @Authorized('ADMIN')
  @Mutation(() => Site)
  createSite(
    @Arg('code') code: string,
    @Arg('name') name: string,
    @Arg('kind', () => SiteKind) kind: SiteKind,
    @Ctx() ctx: SensorsContext,
  ) {
    return catalog.createSite(ctx, { code, name, kind });
  }

  @FieldResolver(() => [Equipment])
  equipment(@Root() site: Site, @Ctx() ctx: SensorsContext) {
    return ctx.loaders.equipmentOfSite.load(site.id);
  }
}
