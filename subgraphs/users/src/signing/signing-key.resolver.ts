import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { UsersContext } from '../context.js';
import { SigningKey } from './signing-key.entity.js';

@Resolver(() => SigningKey)
export class SigningKeyResolver {
  @Authorized('ADMIN')
  @Mutation(() => SigningKey, {
    description: 'A new key signs tokens from now on; older keys stay published (tokens they signed still work).',
  })
  rotateSigningKey(@Ctx() ctx: UsersContext) {
    return ctx.issuer.rotate();
  }

  @Authorized('ADMIN')
  @Mutation(() => SigningKey, { description: 'Stops publishing a key: every token it signed is refused from now on.' })
  retireSigningKey(@Arg('kid') kid: string, @Ctx() ctx: UsersContext) {
    return ctx.issuer.retire(kid);
  }
}
