import { type Logger, type Service, startSubgraph, type SubgraphDefinition } from '@switchyard/kit';
import { ensureAdmin } from './admin.js';
import { type UsersContext, usersContext } from './context.js';
import { entities, migrations } from './entities.js';
import type { UsersEnv } from './env.js';
import { buildUsersSchema } from './schema.js';
import { TokenIssuer } from './signing/issuer.js';
import { signingRoutes } from './signing/signing.routes.js';

export async function startUsers(env: UsersEnv & { DATABASE_URL: string }, logger?: Logger): Promise<Service> {
  let issuer: TokenIssuer | undefined;
  const users: SubgraphDefinition<UsersContext> = {
    name: 'users',
    entities,
    migrations,
    schema: buildUsersSchema,
    context: (base) => usersContext(base, issuer!),
    prepare: async ({ orm, events, logger: log }) => {
      issuer = await TokenIssuer.open(orm, events, env.JWT_TTL);
      await ensureAdmin(orm, env, log);
    },
    publicRoutes: (app, { logger: log }) => signingRoutes(app, () => issuer!, log),
  };
  return startSubgraph(users, env, logger);
}
