import { parseInput, requireSelfOrAdmin } from '@switchyard/kit';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { SessionsContext } from '../context.js';
import { Activity } from '../session/session.entity.js';
import { SessionConnection } from '../session/session.connection.js';
import { SessionOrder, TimeRange, UserSessionFilter } from '../session/session.inputs.js';
import { userSessions } from '../session/session.service.js';
import { SessionStats } from '../stats/stats.types.js';
import { UserRef } from './user.ref.js';

@Resolver(() => UserRef)
export class UserSessionsResolver {
  // Nullable, as every field a subgraph adds to another's entity: when sessions cannot answer, the
  // gateway nulls this field alone (with an UNAVAILABLE error) and keeps the user's other fields.
  @FieldResolver(() => SessionConnection, {
    nullable: true,
    description: "The user's sessions (theirs or an admin's to read); null when the sessions service is unavailable.",
  })
  sessions(
    @Root() user: UserRef,
    @Ctx() ctx: SessionsContext,
    @Arg('filter', () => UserSessionFilter, { nullable: true }) filter?: UserSessionFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('orderBy', () => SessionOrder, { nullable: true }) orderBy?: SessionOrder,
  ) {
    return userSessions(ctx, user.id, filter, { first, after, orderBy });
  }

  @FieldResolver(() => SessionStats, {
    nullable: true,
    description:
      'Sessions started in [from, to), optionally of one activity; null when the sessions service is unavailable.',
  })
  stats(
    @Root() user: UserRef,
    @Ctx() ctx: SessionsContext,
    @Arg('from', () => Date, { nullable: true }) from?: Date,
    @Arg('to', () => Date, { nullable: true }) to?: Date,
    @Arg('activity', () => Activity, { nullable: true }) activity?: Activity,
  ) {
    requireSelfOrAdmin(ctx, user.id);
    parseInput(TimeRange, { from, to });
    return ctx.loaders.stats({ from, to, activity }).load(user.id);
  }
}
