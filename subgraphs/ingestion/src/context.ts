import type { EntityManager } from '@mikro-orm/postgresql';
import { type JobQueue, statement, type SubgraphContext, type Task, withLoaders } from '@switchyard/kit';
import DataLoader from 'dataloader';
import type { RoundReport } from './collector/collector.js';
import type { AlertMailPayload } from './email/alert-mail.task.js';
import type { TickerFeed } from './feed/feed.types.js';

/** What resolvers need of the running collector. */
export interface CollectorHandle {
  providers: string[];
  collectNow(): Promise<RoundReport>;
}

/** The alert-mail jobs: where they are queued, and their task. */
export interface MailQueue {
  queue: JobQueue;
  task: Task<AlertMailPayload>;
}

export interface IngestionContext extends SubgraphContext {
  collector: CollectorHandle;
  mail: MailQueue;
  loaders: ReturnType<typeof createLoaders>;
}

// The circuit as last recorded by whichever replica collected, not this process's view.
const tickerFeeds = statement<
  { symbols: string[] },
  { symbol: string } & Omit<TickerFeed, 'lastSuccessAt'> & { lastSuccessAt: string | null }
>(
  `/* tickerFeeds */ select f.symbol, f.provider, f.last_success_at as "lastSuccessAt",
     f.consecutive_failures as "consecutiveFailures", f.last_error as "lastError",
     coalesce(p.circuit, 'CLOSED') as circuit
   from ingestion.ticker_feeds f left join ingestion.providers p on p.name = f.provider
   where f.symbol = any(:symbols::text[])`,
);

function createLoaders(em: EntityManager) {
  return {
    feed: new DataLoader<string, TickerFeed | null>(async (symbols) => {
      const rows = await tickerFeeds(em, { symbols: [...symbols] });
      // Timestamps come back as text through this connection's type parsers.
      const found = new Map(
        rows.map((r) => [
          r.symbol,
          { ...r, lastSuccessAt: r.lastSuccessAt === null ? null : new Date(r.lastSuccessAt) },
        ]),
      );
      return symbols.map((s) => found.get(s) ?? null);
    }),
  };
}

export function ingestionContext(collector: () => CollectorHandle, mail: () => MailQueue) {
  return (base: SubgraphContext): IngestionContext =>
    Object.assign(withLoaders(base, createLoaders), { collector: collector(), mail: mail() });
}
