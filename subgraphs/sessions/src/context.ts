import { type SubgraphContext, withLoaders } from '@switchyard/kit';
import { createSessionLoaders } from './session/session.loader.js';
import { createStatsLoaders } from './stats/stats.loader.js';

export interface SessionsContext extends SubgraphContext {
  loaders: ReturnType<typeof createSessionLoaders> & ReturnType<typeof createStatsLoaders>;
}

export function sessionsContext(base: SubgraphContext): SessionsContext {
  return withLoaders(base, (em) => ({ ...createSessionLoaders(em), ...createStatsLoaders(em) }));
}
