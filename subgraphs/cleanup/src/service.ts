import { defineTask, JobQueue, type Logger, migrationsIn, type Service, startSubgraph, z } from '@switchyard/kit';
import type { CleanupEnv } from './env.js';
import { CLEANUP_JOBS } from './jobs/index.js';
import type { CleanupContext } from './run/run.resolver.js';
import { CleanupRunner } from './run/runner.js';
import { buildCleanupSchema } from './schema.js';

/** The retention worker: each job on its cron schedule (pg-boss, once across replicas), or now by an admin. */
export function startCleanup(env: CleanupEnv & { DATABASE_URL: string }, logger?: Logger): Promise<Service> {
  let runner: CleanupRunner | undefined;
  return startSubgraph(
    {
      name: 'cleanup',
      entities: [],
      migrations: migrationsIn(['Migration20261123400000'], (name) => import(`./migrations/${name}.js`)),
      schema: buildCleanupSchema,
      context: (base): CleanupContext => ({ ...base, runNow: (job) => runner!.run(CLEANUP_JOBS[job], 'ADMIN') }),
      prepare: async ({ orm, logger: log, metrics }) => {
        runner = new CleanupRunner(orm, env, log, metrics);
        const tasks = Object.values(CLEANUP_JOBS).map((job) =>
          defineTask({
            name: `cleanup-${job.name.toLowerCase()}`,
            schema: z.object({}),
            cron: { expression: job.schedule, payload: {} },
            retry: { limit: 2, delaySec: 60, backoff: true },
            run: async () => {
              const run = await runner!.run(job, 'SCHEDULE');
              if (run.error) throw new Error(run.error);
            },
          }),
        );
        const queue = await JobQueue.start({
          databaseUrl: env.DATABASE_URL,
          tasks,
          logger: log,
          work: env.CLEANUP_WORKER,
        });
        return () => queue.stop();
      },
    },
    env,
    logger,
  );
}
