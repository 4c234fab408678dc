import type { EntityManager } from '@mikro-orm/postgresql';
import type { Auth, AuthContext, Orm, RequestContext, RequestInfo } from '@switchyard/kit';
import { createAlertLoaders } from './alert/alert.loader.js';
import { createTickerLoaders } from './ticker/ticker.loader.js';
import { createUserLoaders } from './user/user.loader.js';
import { createWatchLoaders } from './watch/watch.loader.js';

export interface UsersContext extends RequestContext, AuthContext {
  em: EntityManager;
  auth: Auth;
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

/** One entity manager and one set of DataLoaders per request. */
export function contextFactory(orm: Orm, auth: Auth) {
  return async ({ headers, requestId, log }: RequestInfo): Promise<UsersContext> => {
    const em = orm.em.fork();
    return {
      requestId,
      log,
      auth,
      em,
      loaders: createLoaders(em),
      ...(await auth.authenticate(headers.authorization)),
    };
  };
}
