import { sqlRows } from '@switchyard/kit';
import { Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { IngestionContext } from '../context.js';
import { IngestionStats, RoundReport, TickerFeed, TickerRef } from './feed.types.js';

@Resolver(() => TickerRef)
export class FeedResolver {
  @FieldResolver(() => TickerFeed, { nullable: true, description: 'Null until the collector has tried this ticker.' })
  feed(@Root() ticker: TickerRef, @Ctx() ctx: IngestionContext) {
    return ctx.loaders.feed.load(ticker.symbol);
  }

  @Authorized('ADMIN')
  @Query(() => IngestionStats)
  async ingestionStats(@Ctx() ctx: IngestionContext): Promise<IngestionStats> {
    const [row] = await sqlRows<Record<string, number | Date | null>>(
      ctx.em,
      `/* ingestionStats */ select count(*)::int as rounds, count(error)::int as "failedRounds",
         max(started_at) as "lastRoundAt", coalesce(sum(prices), 0)::int as "pricesCollected",
         coalesce(sum(alerts), 0)::int as "alertsRaised",
         (select count(*)::int from ingestion.ticker_feeds) as "tickersTracked"
       from ingestion.rounds`,
    );
    const names = ctx.collector.providers;
    const recorded = await sqlRows<{ name: string; circuit: string }>(
      ctx.em,
      '/* providerStates */ select name, circuit from ingestion.providers where name = any(?::text[])',
      [names],
    );
    const circuit = new Map(recorded.map((r) => [r.name, r.circuit]));
    const stats = row as unknown as IngestionStats;
    return {
      ...stats,
      lastRoundAt: stats.lastRoundAt && new Date(stats.lastRoundAt),
      providers: names.map((name) => ({ name, circuit: (circuit.get(name) ?? 'CLOSED') as 'CLOSED' })),
    };
  }

  @Authorized('ADMIN')
  @Mutation(() => RoundReport, { description: 'Collects every followed ticker now and evaluates alerts.' })
  collectNow(@Ctx() ctx: IngestionContext) {
    return ctx.collector.collectNow();
  }
}
