import type { EntityManager } from '@mikro-orm/postgresql';
import type { SubgraphContext } from '@switchyard/kit';
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

/** One set of DataLoaders per request. */
export function usersContext(base: SubgraphContext, issuer: TokenIssuer): UsersContext {
  return { ...base, issuer, loaders: createLoaders(base.em) };
}

/** A subscription resolves each event like a request of its own: loaders must not cache across events. */
export function freshForEvent(ctx: UsersContext): void {
  ctx.em = ctx.em.fork();
  ctx.loaders = createLoaders(ctx.em);
}
