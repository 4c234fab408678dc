import {
  defineTask,
  JobQueue,
  type Logger,
  migrationsIn,
  registeredRetention,
  type Service,
  startSubgraph,
  z,
} from '@switchyard/kit';
import type { CleanupEnv } from './env.js';
import type { CleanupContext } from './run/run.resolver.js';
import { CleanupRunner } from './run/runner.js';
import { buildCleanupSchema } from './schema.js';

/**
 * The retention worker: every retention task the workspace's packages register (each owner's
 * deletes of its own data), each on its cron schedule (pg-boss, once across replicas), or now by
 * an admin.
 */
export async function startCleanup(env: CleanupEnv & { DATABASE_URL: string }, logger?: Logger): Promise<Service> {
  const tasks = await registeredRetention();
  let runner: CleanupRunner | undefined;
  return startSubgraph(
    {
      name: 'cleanup',
      entities: [],
      migrations: migrationsIn(['Migration20261123400000'], (name) => import(`./migrations/${name}.js`)),
      schema: () => buildCleanupSchema(tasks),
      context: (base): CleanupContext =>
        Object.assign(base, { tasks, runNow: (job: string) => runner!.run(job, 'ADMIN') }),
      prepare: async ({ orm, logger: log, metrics }) => {
        runner = new CleanupRunner(orm, tasks, env, log, metrics);
        const scheduled = tasks.map((task) =>
          defineTask({
            name: `cleanup-${task.name.toLowerCase().replace(/_/g, '-')}`,
            schema: z.object({}),
            cron: { expression: task.schedule, payload: {} },
            retry: { limit: 2, delaySec: 60, backoff: true },
            run: async () => {
              const run = await runner!.run(task.name, 'SCHEDULE');
              if (run.error) throw new Error(run.error);
            },
          }),
        );
        const queue = await JobQueue.start({
          databaseUrl: env.DATABASE_URL,
          dbPoolSize: env.DB_POOL_SIZE,
          tasks: scheduled,
          logger: log,
          work: env.CLEANUP_WORKER,
        });
        // A task no package registers any more is no longer scheduled.
        await queue.unscheduleOthers('cleanup-');
        return () => queue.stop();
      },
    },
    env,
    logger,
  );
}
