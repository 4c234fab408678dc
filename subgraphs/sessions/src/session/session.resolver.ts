import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { SessionsContext } from '../context.js';
import { UserRef } from '../user/user.ref.js';
import { SessionConnection } from './session.connection.js';
import { Session } from './session.entity.js';
import { ImportReport, SessionFilter, SessionImportRow, SessionInput, SessionOrder } from './session.inputs.js';
import * as sessions from './session.service.js';

@Resolver(() => Session)
export class SessionResolver {
  @Authorized()
  @Query(() => SessionConnection, { description: 'Newest first unless ordered otherwise.' })
  sessions(
    @Ctx() ctx: SessionsContext,
    @Arg('filter', () => SessionFilter, { nullable: true }) filter?: SessionFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('orderBy', () => SessionOrder, { nullable: true }) orderBy?: SessionOrder,
  ) {
    return sessions.listSessions(ctx, filter, { first, after, orderBy });
  }

  @Authorized()
  @Query(() => Session, { nullable: true })
  session(@Arg('id', () => ID) id: string, @Ctx() ctx: SessionsContext) {
    return sessions.visibleSession(ctx, id);
  }

  @Authorized()
  @Mutation(() => Session)
  createSession(@Arg('input') input: SessionInput, @Ctx() ctx: SessionsContext) {
    return sessions.createSession(ctx, input);
  }

  @Authorized()
  @Mutation(() => ImportReport, {
    description: 'Up to 10000 sessions: the valid ones are stored, each invalid one reported by index.',
  })
  importSessions(@Arg('sessions', () => [SessionImportRow]) rows: SessionImportRow[], @Ctx() ctx: SessionsContext) {
    return sessions.importSessions(ctx, rows);
  }

  @Authorized()
  @Mutation(() => Boolean)
  deleteSession(@Arg('id', () => ID) id: string, @Ctx() ctx: SessionsContext) {
    return sessions.deleteSession(ctx, id);
  }

  @FieldResolver(() => UserRef)
  user(@Root() session: Session): UserRef {
    return { id: session.userId };
  }
}
