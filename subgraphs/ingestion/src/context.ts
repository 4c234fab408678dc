import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlRows, type SubgraphContext } from '@switchyard/kit';
import DataLoader from 'dataloader';
import type { Circuit, RoundReport } from './collector/collector.js';
import type { TickerFeed } from './feed/feed.types.js';

/** What resolvers need of the running collector. */
export interface CollectorHandle {
  provider: string;
  circuit: Circuit;
  collectNow(): Promise<RoundReport>;
}

export interface IngestionContext extends SubgraphContext {
  collector: CollectorHandle;
  loaders: ReturnType<typeof createLoaders>;
}

function createLoaders(em: EntityManager, collector: CollectorHandle) {
  return {
    feed: new DataLoader<string, TickerFeed | null>(async (symbols) => {
      const rows = await sqlRows<{ symbol: string } & Omit<TickerFeed, 'circuit'>>(
        em,
        `/* tickerFeeds */ select symbol, provider, last_success_at as "lastSuccessAt",
           consecutive_failures as "consecutiveFailures", last_error as "lastError"
         from ingestion.ticker_feeds where symbol = any(?::text[])`,
        [[...symbols]],
      );
      // Timestamps come back as text through this connection's type parsers.
      const found = new Map(
        rows.map((r) => [
          r.symbol,
          { ...r, lastSuccessAt: r.lastSuccessAt && new Date(r.lastSuccessAt), circuit: collector.circuit },
        ]),
      );
      return symbols.map((s) => found.get(s) ?? null);
    }),
  };
}

export function ingestionContext(collector: () => CollectorHandle) {
  return (base: SubgraphContext): IngestionContext => ({
    ...base,
    collector: collector(),
    loaders: createLoaders(base.em, collector()),
  });
}
