import { buildFederatedSchema } from '@switchyard/kit';
import { FeedResolver } from './feed/feed.resolver.js';

export function buildIngestionSchema() {
  return buildFederatedSchema({ resolvers: [FeedResolver] });
}
