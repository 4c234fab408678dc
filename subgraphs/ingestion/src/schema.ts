import { buildFederatedSchema } from '@switchyard/kit';
import { FeedResolver } from './feed/feed.resolver.js';
import { TickerRef } from './feed/feed.types.js';
import { AnalyticsResolver } from './readings/analytics.resolver.js';
import { ReadingsResolver } from './readings/readings.resolver.js';

export function buildIngestionSchema() {
  // Ticker is reached only through federation, so it is listed here to be in the schema.
  return buildFederatedSchema({
    resolvers: [FeedResolver, ReadingsResolver, AnalyticsResolver],
    orphanedTypes: [TickerRef],
  });
}
