import { connectionType } from '@switchyard/kit';
import { Arg, Authorized, Ctx, FieldResolver, Float, Int, Query, Resolver, Root } from 'type-graphql';
import type { UsersContext } from '../context.js';
import { Price } from './price.entity.js';
import { Ticker } from './ticker.entity.js';
import * as tickers from './ticker.service.js';

const TickerConnection = connectionType(Ticker);
const PriceConnection = connectionType(Price);

@Resolver(() => Ticker)
export class TickerResolver {
  @Authorized()
  @Query(() => Ticker, { nullable: true })
  ticker(@Arg('symbol') symbol: string, @Ctx() ctx: UsersContext) {
    return tickers.getTicker(ctx, symbol);
  }

  @Authorized('ADMIN')
  @Query(() => TickerConnection, { description: 'Every followed ticker, by symbol.' })
  tickers(
    @Ctx() ctx: UsersContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return tickers.listTickers(ctx, first, after);
  }

  @FieldResolver(() => Int, { description: 'How many users watch this ticker.' })
  async followers(@Root() ticker: Ticker, @Ctx() ctx: UsersContext) {
    return (await ctx.loaders.followers.load(ticker.symbol)) ?? 0;
  }

  @FieldResolver(() => Float, { nullable: true })
  async latestPrice(@Root() ticker: Ticker, @Ctx() ctx: UsersContext) {
    return (await ctx.loaders.latestPrice.load(ticker.symbol))?.price ?? null;
  }

  @FieldResolver(() => Date, { nullable: true })
  async latestPriceAt(@Root() ticker: Ticker, @Ctx() ctx: UsersContext) {
    return (await ctx.loaders.latestPrice.load(ticker.symbol))?.at ?? null;
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description: 'Mean price over the window (15m, 24h, 7d...; at most 14d).',
  })
  mean(@Root() ticker: Ticker, @Ctx() ctx: UsersContext, @Arg('window', { defaultValue: '24h' }) window: string) {
    return tickers.mean(ctx, ticker, window);
  }

  @FieldResolver(() => PriceConnection, { description: 'Prices newest first, optionally within [from, to).' })
  prices(
    @Root() ticker: Ticker,
    @Ctx() ctx: UsersContext,
    @Arg('from', () => Date, { nullable: true }) from?: Date,
    @Arg('to', () => Date, { nullable: true }) to?: Date,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return tickers.prices(ctx, ticker, { from, to, first, after });
  }
}
