import { connectionType } from '@switchyard/kit';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { UsersContext } from '../context.js';
import { User } from '../user/user.entity.js';
import { Alert } from './alert.entity.js';
import { listAlerts } from './alert.service.js';

const AlertConnection = connectionType(Alert);

@Resolver(() => Alert)
export class AlertResolver {
  @Authorized()
  @Query(() => AlertConnection, { description: "Newest first. Users see their own; admins everyone's." })
  alerts(
    @Ctx() ctx: UsersContext,
    @Arg('userId', () => ID, { nullable: true }) userId?: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return listAlerts(ctx, { userId, first, after });
  }

  @FieldResolver(() => User)
  user(@Root() alert: Alert, @Ctx() ctx: UsersContext) {
    return ctx.loaders.user.load(alert.user.id);
  }
}
