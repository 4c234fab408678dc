import type { EntityManager } from '@mikro-orm/postgresql';
import type { Auth, SubgraphContext } from '@switchyard/kit';
import { createAlertLoaders } from './alert/alert.loader.js';
import { createTickerLoaders } from './ticker/ticker.loader.js';
import { createUserLoaders } from './user/user.loader.js';
import { createWatchLoaders } from './watch/watch.loader.js';

export interface UsersContext extends SubgraphContext {
  auth: Auth;
  /** How often a subscription confirms its caller's session while no event comes. */
  recheckMs: number;
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

/** One set of DataLoaders per request; `auth` issues tokens on sign-in. */
export function usersContext(base: SubgraphContext, auth: Auth, recheckMs: number): UsersContext {
  return { ...base, auth, recheckMs, loaders: createLoaders(base.em) };
}

/** A subscription resolves each event like a request of its own: loaders must not cache across events. */
export function freshForEvent(ctx: UsersContext): void {
  ctx.em = ctx.em.fork();
  ctx.loaders = createLoaders(ctx.em);
}
