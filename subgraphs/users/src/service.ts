import { type Logger, type Service, startSubgraph, type SubgraphDefinition } from '@switchyard/kit';
import { ensureAdmin } from './admin.js';
import { tokenChecks } from './auth.js';
import { type UsersContext, usersContext } from './context.js';
import { entities, migrations } from './entities.js';
import type { UsersEnv } from './env.js';
import { buildUsersSchema } from './schema.js';

export async function startUsers(env: UsersEnv & { DATABASE_URL: string }, logger?: Logger): Promise<Service> {
  const users: SubgraphDefinition<UsersContext> = {
    name: 'users',
    entities,
    migrations,
    schema: buildUsersSchema,
    context: (base, auth) => usersContext(base, auth, env.SUBSCRIPTION_RECHECK_SEC * 1000),
    tokenChecks,
    prepare: ({ orm, logger: log }) => ensureAdmin(orm, env, log),
  };
  return startSubgraph(users, env, logger);
}
