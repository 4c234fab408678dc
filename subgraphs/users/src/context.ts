import type { EntityManager } from '@mikro-orm/postgresql';
import { type SubgraphContext, withLoaders } from '@switchyard/kit';
import { createAlertLoaders } from './alert/alert.loader.js';
import type { TokenIssuer } from './signing/issuer.js';
import { createTickerLoaders } from './ticker/ticker.loader.js';
import { createUserLoaders } from './user/user.loader.js';
import { createWatchLoaders } from './watch/watch.loader.js';

export interface UsersContext extends SubgraphContext {
  /** Signs tokens on sign-in. */
  issuer: TokenIssuer;
  loaders: ReturnType<typeof createLoaders>;
}

function createLoaders(em: EntityManager) {
  return {
    ...createUserLoaders(em),
    ...createWatchLoaders(em),
    ...createTickerLoaders(em),
    ...createAlertLoaders(em),
  };
}

/** One set of DataLoaders per request (or event). */
export function usersContext(base: SubgraphContext, issuer: TokenIssuer): UsersContext {
  return Object.assign(withLoaders(base, createLoaders), { issuer });
}
