import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { BenchmarksContext } from '../context.js';
import { DeviceLink } from './link.entity.js';
import { addLink, deleteLink, updateLink } from './link.service.js';

@Resolver(() => DeviceLink)
export class LinkResolver {
  @Authorized('ADMIN')
  @Mutation(() => DeviceLink, { description: 'URL must be http or https.' })
  addDeviceLink(
    @Arg('deviceId', () => ID) deviceId: string,
    @Arg('label') label: string,
    @Arg('url') url: string,
    @Ctx() ctx: BenchmarksContext,
  ) {
    return addLink(ctx, { deviceId, label, url });
  }

  @Authorized('ADMIN')
  @Mutation(() => DeviceLink)
  updateDeviceLink(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: BenchmarksContext,
    @Arg('label', () => String, { nullable: true }) label?: string,
    @Arg('url', () => String, { nullable: true }) url?: string,
  ) {
    return updateLink(ctx, id, { label, url });
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean)
  deleteDeviceLink(@Arg('id', () => ID) id: string, @Ctx() ctx: BenchmarksContext) {
    return deleteLink(ctx, id);
  }
}
