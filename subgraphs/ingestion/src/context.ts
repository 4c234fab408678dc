import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlRows, type SubgraphContext } from '@switchyard/kit';
import DataLoader from 'dataloader';
import type { RoundReport } from './collector/collector.js';
import type { TickerFeed } from './feed/feed.types.js';

/** What resolvers need of the running collector. */
export interface CollectorHandle {
  providers: string[];
  collectNow(): Promise<RoundReport>;
}

export interface IngestionContext extends SubgraphContext {
  collector: CollectorHandle;
  loaders: ReturnType<typeof createLoaders>;
}

function createLoaders(em: EntityManager) {
  return {
    feed: new DataLoader<string, TickerFeed | null>(async (symbols) => {
      const rows = await sqlRows<{ symbol: string } & TickerFeed>(
        em,
        // The circuit as last recorded by whichever replica collected, not this process's view.
        `/* tickerFeeds */ select f.symbol, f.provider, f.last_success_at as "lastSuccessAt",
           f.consecutive_failures as "consecutiveFailures", f.last_error as "lastError",
           coalesce(p.circuit, 'CLOSED') as circuit
         from ingestion.ticker_feeds f left join ingestion.providers p on p.name = f.provider
         where f.symbol = any(?::text[])`,
        [[...symbols]],
      );
      // Timestamps come back as text through this connection's type parsers.
      const found = new Map(
        rows.map((r) => [r.symbol, { ...r, lastSuccessAt: r.lastSuccessAt && new Date(r.lastSuccessAt) }]),
      );
      return symbols.map((s) => found.get(s) ?? null);
    }),
  };
}

export function ingestionContext(collector: () => CollectorHandle) {
  return (base: SubgraphContext): IngestionContext => ({
    ...base,
    collector: collector(),
    loaders: createLoaders(base.em),
  });
}
