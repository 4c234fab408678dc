import { type Logger, type Service, startSubgraph, userDeleted } from '@switchyard/kit';
import { Session } from './session/session.entity.js';
import { sessionsContext } from './context.js';
import { entities, migrations } from './entities.js';
import type { SessionsEnv } from './env.js';
import { buildSessionsSchema } from './schema.js';

export function startSessions(env: SessionsEnv & { DATABASE_URL: string }, logger?: Logger): Promise<Service> {
  return startSubgraph(
    {
      name: 'sessions',
      entities,
      migrations,
      schema: buildSessionsSchema,
      context: sessionsContext,
      // A deleted user's sessions go with them. One replica is enough, and on NATS the group also
      // gets the deletions made while every replica was down (the delete is idempotent elsewhere).
      prepare: async ({ orm, logger: log, events }) => {
        await events.subscribe(
          userDeleted,
          async ({ userId }) => {
            const removed = await orm.em.fork().nativeDelete(Session, { userId });
            log.info({ userId, removed }, "deleted a removed user's sessions");
          },
          { group: 'sessions' },
        );
      },
    },
    env,
    logger,
  );
}
