import { connectionType, requireSelfOrAdmin } from '@switchyard/kit';
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { UsersContext } from '../context.js';
import { Watch } from '../watch/watch.entity.js';
import { User, UserRole } from './user.entity.js';
import { AuthPayload, UpdateUserInput } from './user.inputs.js';
import * as users from './user.service.js';

const UserConnection = connectionType(User);

@ArgsType()
class CredentialsArgs {
  @Field()
  email!: string;

  @Field()
  password!: string;
}

@Resolver(() => User)
export class UserResolver {
  @Mutation(() => AuthPayload, { description: 'Creates an account and signs it in.' })
  register(@Args() input: CredentialsArgs, @Ctx() ctx: UsersContext) {
    return users.register(ctx, input);
  }

  @Mutation(() => AuthPayload)
  login(@Args() input: CredentialsArgs, @Ctx() ctx: UsersContext) {
    return users.login(ctx, input);
  }

  @Authorized()
  @Query(() => User, { nullable: true, description: 'The signed-in user.' })
  me(@Ctx() ctx: UsersContext) {
    return users.me(ctx);
  }

  @Authorized()
  @Query(() => User, { nullable: true, description: 'Yourself, or anyone for an admin.' })
  user(@Arg('id', () => ID) id: string, @Ctx() ctx: UsersContext) {
    return users.getUser(ctx, id);
  }

  @Authorized('ADMIN')
  @Query(() => UserConnection)
  users(
    @Ctx() ctx: UsersContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return users.listUsers(ctx, first, after);
  }

  @Authorized()
  @Mutation(() => User)
  updateUser(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateUserInput, @Ctx() ctx: UsersContext) {
    return users.updateUser(ctx, id, input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Deletes a user with their watchlist: oneself, or anyone for an admin.' })
  deleteUser(@Arg('id', () => ID) id: string, @Ctx() ctx: UsersContext) {
    return users.deleteUser(ctx, id);
  }

  @Authorized()
  @Mutation(() => AuthPayload, {
    description: 'Sets a new password and ends every session; the new token is in the response.',
  })
  changePassword(
    @Arg('currentPassword') currentPassword: string,
    @Arg('newPassword') newPassword: string,
    @Ctx() ctx: UsersContext,
  ) {
    return users.changePassword(ctx, { currentPassword, newPassword });
  }

  @FieldResolver(() => UserRole)
  role(@Root() user: User, @Ctx() ctx: UsersContext) {
    requireSelfOrAdmin(ctx, user.id);
    return user.role;
  }

  @FieldResolver(() => String)
  email(@Root() user: User, @Ctx() ctx: UsersContext) {
    requireSelfOrAdmin(ctx, user.id);
    return user.email;
  }

  @FieldResolver(() => [Watch])
  watchlist(@Root() user: User, @Ctx() ctx: UsersContext) {
    requireSelfOrAdmin(ctx, user.id);
    return ctx.loaders.watchlist.load(user.id);
  }
}
