import { buildFederatedSchema } from '@switchyard/kit';
import { CleanupResolver } from './run/run.resolver.js';

export function buildCleanupSchema() {
  return buildFederatedSchema({ resolvers: [CleanupResolver] });
}
