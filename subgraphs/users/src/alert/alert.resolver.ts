import { connectionType } from '@switchyard/kit';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { UsersContext } from '../context.js';
import { User } from '../user/user.entity.js';
import { Alert } from './alert.entity.js';
import { type AlertEvent, alertFeed, alertOfEvent, listAlerts } from './alert.service.js';

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

  @Subscription(() => Alert, {
    description: "Alerts as they are raised. Users get their own; admins everyone's, or one user's.",
    subscribe: ({ args, context }) => alertFeed(context as UsersContext, args),
  })
  alertTriggered(
    @Root() event: AlertEvent,
    @Ctx() ctx: UsersContext,
    @Arg('userId', () => ID, { nullable: true }) _userId?: string,
    @Arg('symbol', () => String, { nullable: true }) _symbol?: string,
  ): Alert {
    return alertOfEvent(ctx, event);
  }

  @FieldResolver(() => User)
  user(@Root() alert: Alert, @Ctx() ctx: UsersContext) {
    return ctx.loaders.user.load(alert.user.id);
  }
}
