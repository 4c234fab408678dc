import {
  Auth,
  type Logger,
  createLogger,
  createMetrics,
  openDatabase,
  pingDatabase,
  resolveJwtSecret,
  type Service,
  startService,
} from '@switchyard/kit';
import { ensureAdmin } from './admin.js';
import { contextFactory } from './context.js';
import { entities, migrations } from './entities.js';
import type { UsersEnv } from './env.js';
import { buildUsersSchema } from './schema.js';
import { apiTokenCheck } from './token/api-token.service.js';
import { userTokenCheck } from './user/user.tokens.js';

/** env → ORM (migrated) → schema → listen. `close()` drains requests, then closes the ORM. */
export async function startUsers(
  env: UsersEnv & { DATABASE_URL: string },
  logger: Logger = createLogger('users', env.LOG_LEVEL),
): Promise<Service> {
  const metrics = createMetrics('users');
  const orm = await openDatabase({
    url: env.DATABASE_URL,
    schema: 'users',
    entities,
    migrations,
    logger,
    queryCounter: metrics.dbQueries,
  });
  try {
    await ensureAdmin(orm, env, logger);
    const auth = new Auth(resolveJwtSecret(env), env.JWT_TTL, {
      apiToken: apiTokenCheck(orm),
      userToken: userTokenCheck(orm),
    });
    const schema = await buildUsersSchema();
    return await startService({
      name: 'users',
      port: env.PORT,
      host: env.HOST,
      logger,
      metrics,
      production: env.NODE_ENV === 'production',
      graphql: { schema },
      context: contextFactory(orm, auth),
      ready: () => pingDatabase(orm),
      shutdownDelayMs: env.SHUTDOWN_DELAY_MS,
      onClose: () => orm.close(),
    });
  } catch (error) {
    await orm.close();
    throw error;
  }
}
