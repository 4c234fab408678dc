import { Arg, Authorized, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { UsersContext } from '../context.js';
import { ApiToken } from './api-token.entity.js';
import * as tokens from './api-token.service.js';

@ObjectType()
class NewApiToken {
  @Field({ description: 'Shown only in this response; store it now.' })
  token!: string;

  @Field(() => ApiToken)
  apiToken!: ApiToken;
}

@Resolver(() => ApiToken)
export class ApiTokenResolver {
  @Authorized('ADMIN')
  @Mutation(() => NewApiToken, { description: 'Scopes look like benchmarks:write or sensors:write.' })
  createApiToken(@Arg('name') name: string, @Arg('scopes', () => [String]) scopes: string[], @Ctx() ctx: UsersContext) {
    return tokens.createApiToken(ctx, { name, scopes });
  }

  @Authorized('ADMIN')
  @Mutation(() => ApiToken)
  revokeApiToken(@Arg('id', () => ID) id: string, @Ctx() ctx: UsersContext) {
    return tokens.revokeApiToken(ctx, id);
  }

  @Authorized('ADMIN')
  @Query(() => [ApiToken])
  apiTokens(@Ctx() ctx: UsersContext) {
    return tokens.listApiTokens(ctx);
  }
}
