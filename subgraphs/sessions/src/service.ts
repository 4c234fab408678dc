import { type Logger, type Service, startSubgraph } from '@switchyard/kit';
import { tokenChecks } from '@switchyard/users/auth';
import { sessionsContext } from './context.js';
import { entities, migrations } from './entities.js';
import type { SessionsEnv } from './env.js';
import { buildSessionsSchema } from './schema.js';

export function startSessions(env: SessionsEnv & { DATABASE_URL: string }, logger?: Logger): Promise<Service> {
  return startSubgraph(
    { name: 'sessions', entities, migrations, schema: buildSessionsSchema, context: sessionsContext, tokenChecks },
    env,
    logger,
  );
}
