import { statement } from '@switchyard/kit';
import { Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { IngestionContext } from '../context.js';
import { IngestionStats, type ProviderState, RoundReport, TickerFeed, TickerRef } from './feed.types.js';

/** Timestamps come back as text through this connection's type parsers. */
const roundStats = statement<
  Record<never, never>,
  Omit<IngestionStats, 'providers' | 'lastRoundAt' | 'mailsWaiting' | 'mailsUndelivered'> & {
    lastRoundAt: string | null;
  }
>(
  `/* ingestionStats */ select count(*)::int as rounds, count(error)::int as "failedRounds",
     max(started_at) as "lastRoundAt", coalesce(sum(prices), 0)::int as "pricesCollected",
     coalesce(sum(alerts), 0)::int as "alertsRaised",
     (select count(*)::int from ingestion.ticker_feeds) as "tickersTracked"
   from ingestion.rounds`,
);
const providerStates = statement<{ names: string[] }, ProviderState>(
  '/* providerStates */ select name, circuit from ingestion.providers where name = any(:names::text[])',
);

@Resolver(() => TickerRef)
export class FeedResolver {
  @FieldResolver(() => TickerFeed, { nullable: true, description: 'Null until the collector has tried this ticker.' })
  feed(@Root() ticker: TickerRef, @Ctx() ctx: IngestionContext) {
    return ctx.loaders.feed.load(ticker.symbol);
  }

  @Authorized('ADMIN')
  @Query(() => IngestionStats)
  async ingestionStats(@Ctx() ctx: IngestionContext): Promise<IngestionStats> {
    const stats = (await roundStats(ctx.em, {}))[0]!;
    const names = ctx.collector.providers;
    const recorded = await providerStates(ctx.em, { names });
    const circuit = new Map(recorded.map((r) => [r.name, r.circuit]));
    const mails = await ctx.mail.queue.counts(ctx.mail.task);
    return {
      ...stats,
      mailsWaiting: mails.waiting,
      mailsUndelivered: mails.deadLettered,
      lastRoundAt: stats.lastRoundAt === null ? null : new Date(stats.lastRoundAt),
      providers: names.map((name) => ({ name, circuit: circuit.get(name) ?? 'CLOSED' })),
    };
  }

  @Authorized('ADMIN')
  @Mutation(() => RoundReport, { description: 'Collects every followed ticker now and evaluates alerts.' })
  collectNow(@Ctx() ctx: IngestionContext) {
    return ctx.collector.collectNow();
  }
}
