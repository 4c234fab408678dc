import { Arg, Authorized, Ctx, Float, Mutation, Resolver } from 'type-graphql';
import type { UsersContext } from '../context.js';
import { Watch } from './watch.entity.js';
import * as watches from './watch.service.js';

@Resolver(() => Watch)
export class WatchResolver {
  @Authorized()
  @Mutation(() => Watch, { description: 'Follows a ticker (or changes its thresholds); high must exceed low.' })
  watch(
    @Arg('symbol') symbol: string,
    @Arg('high', () => Float) high: number,
    @Arg('low', () => Float) low: number,
    @Ctx() ctx: UsersContext,
  ) {
    return watches.watch(ctx, { symbol, high, low });
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Stops following a ticker; false when it was not on the watchlist.' })
  unwatch(@Arg('symbol') symbol: string, @Ctx() ctx: UsersContext) {
    return watches.unwatch(ctx, { symbol });
  }
}
