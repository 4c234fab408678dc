import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CATALOGUE_PAGE, CodePageArgs, codePage } from '../catalog.inputs.js';
import * as catalog from '../catalog.service.js';
import type { SensorsContext } from '../context.js';
import { EquipmentConnection } from '../equipment/equipment.entity.js';
import { READERS } from '../readers.js';
import { Site, SiteConnection, SiteKind } from './site.entity.js';

@Resolver(() => Site)
export class SiteResolver {
  @Authorized(...READERS)
  @Query(() => SiteConnection, { description: `Sites by code, ${CATALOGUE_PAGE} a page unless \`first\` says.` })
  sites(@Ctx() ctx: SensorsContext, @Args() page: CodePageArgs) {
    return catalog.listSites(ctx, codePage(page));
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

  @FieldResolver(() => EquipmentConnection, {
    description: `Its equipment by code, ${CATALOGUE_PAGE} a page unless \`first\` says.`,
  })
  equipment(@Root() site: Site, @Ctx() ctx: SensorsContext, @Args() page: CodePageArgs) {
    return ctx.loaders.equipmentOfSite.load({ id: site.id, args: codePage(page) });
  }
}
