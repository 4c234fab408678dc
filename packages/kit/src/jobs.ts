import type PgBoss from 'pg-boss';
import type { z } from 'zod';
import { sqlRows } from './db.js';
import type { Logger } from './logger.js';

/** One kind of background work: its payload schema, how to run it, when and how to retry. */
export interface Task<P> {
  name: string;
  schema: z.ZodType<P>;
  run(payload: P, job: { id: string }): Promise<void>;
  /** A cron expression (UTC) to run it on a schedule, with this payload. */
  cron?: { expression: string; payload: P };
  /** Failed runs are retried `limit` times, `delaySec` apart (doubling with `backoff`), then dead-lettered. */
  retry?: { limit: number; delaySec: number; backoff: boolean };
  /** A run still going after this long (its worker died, say) counts as failed and is retried: default 15 min. */
  timeoutSec?: number;
}

/** An entity manager (or one inside a transaction) to enqueue through: see `send`'s `within`. */
type Within = Parameters<typeof sqlRows>[0];

/**
 * pg-boss's statements run through `em` (inside its transaction, if it is in one): a job sent
 * there exists only if that transaction commits, and always does when it commits.
 */
function through(em: Within): PgBoss.Db {
  return {
    executeSql: async (text: string, values: unknown[] = []) => {
      const ordered: unknown[] = [];
      const positional = text.replace(/\$(\d+)/g, (_, n: string) => {
        ordered.push(values[Number(n) - 1]);
        return '?';
      });
      return { rows: await sqlRows(em, positional, ordered) };
    },
  } as PgBoss.Db;
}

/** Declares a task (one file per task, next to the code it drives). */
export function defineTask<P>(task: Task<P>): Task<P> {
  if (!/^[a-z][a-z0-9-]{0,60}$/.test(task.name)) throw new Error(`task names look like "collect-prices": ${task.name}`);
  return task;
}

const DEFAULT_RETRY = { limit: 5, delaySec: 5, backoff: true };
const deadLetterOf = (name: string) => `${name}-dead`;

export interface JobQueueOptions {
  databaseUrl: string;
  tasks: Task<never>[] | Task<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  logger?: Logger;
  /** Run the tasks here (a worker), or those it says yes to; false only enqueues (an API process). */
  work?: boolean | ((task: Task<never>) => boolean);
  /** How often an idle worker looks for jobs. */
  pollSec?: number;
  /** The service's DB_POOL_SIZE: the queue holds half as many connections again, 2 to 4 (default 4). */
  dbPoolSize?: number;
  /** How often runs past their `timeoutSec` are looked for (pg-boss supervision; default 60). */
  superviseSec?: number;
}

/**
 * A durable job queue on PostgreSQL (pg-boss, schema `sy_jobs`): cron schedules, retries with
 * backoff, dead letters. Any number of worker processes share the jobs; each job runs once at a
 * time (SKIP LOCKED), and again only when a run failed.
 */
export class JobQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly taskNames: Set<string>,
    private readonly logger?: Logger,
  ) {}

  static async start(options: JobQueueOptions): Promise<JobQueue> {
    // Loaded here, not at import: most services never start a queue, and a restart is faster without it.
    const { default: PgBossClass } = await import('pg-boss');
    const boss = new PgBossClass({
      connectionString: options.databaseUrl,
      schema: 'sy_jobs',
      max: options.dbPoolSize ? Math.min(4, Math.max(2, Math.floor(options.dbPoolSize / 2))) : 4,
      schedule: options.tasks.some((t) => t.cron),
      // Runs past their timeout are failed (and so retried) by the queue monitor, at this pace.
      ...(options.superviseSec
        ? { superviseIntervalSeconds: options.superviseSec, monitorIntervalSeconds: options.superviseSec }
        : {}),
    });
    const queue = new JobQueue(boss, new Set(options.tasks.map((t) => t.name)), options.logger);
    boss.on('error', (error) => options.logger?.error({ err: error }, 'job queue error'));
    await boss.start();
    try {
      for (const task of options.tasks as Task<unknown>[])
        await queue.register(
          task,
          typeof options.work === 'function' ? options.work(task as Task<never>) : (options.work ?? true),
          options.pollSec ?? 2,
        );
    } catch (error) {
      await boss.stop({ graceful: false });
      throw error;
    }
    return queue;
  }

  private async register(task: Task<unknown>, work: boolean, pollSec: number): Promise<void> {
    const retry = task.retry ?? DEFAULT_RETRY;
    // Dead letters wait for a person: kept ten years instead of pg-boss's two weeks.
    await this.ensureQueue(deadLetterOf(task.name), { retentionSeconds: 10 * 365 * 86_400 });
    await this.ensureQueue(task.name, {
      retryLimit: retry.limit,
      retryDelay: retry.delaySec,
      retryBackoff: retry.backoff,
      deadLetter: deadLetterOf(task.name),
      ...(task.timeoutSec ? { expireInSeconds: task.timeoutSec } : {}),
    });
    if (task.cron) {
      await this.boss.schedule(task.name, task.cron.expression, task.schema.parse(task.cron.payload) as object, {
        tz: 'UTC',
      });
    }
    if (!work) return;
    await this.boss.work<unknown>(task.name, { pollingIntervalSeconds: pollSec, batchSize: 1 }, async ([job]) => {
      const started = Date.now();
      try {
        await task.run(task.schema.parse(job!.data), { id: job!.id });
        this.logger?.debug({ task: task.name, job: job!.id, ms: Date.now() - started }, 'job done');
      } catch (error) {
        this.logger?.warn(
          { err: error, task: task.name, job: job!.id },
          'job failed; it will be retried or dead-lettered',
        );
        throw error;
      }
    });
  }

  /** Creates a queue, or brings its settings up to date (several processes may race to create it). */
  private async ensureQueue(name: string, options: Omit<PgBoss.Queue, 'name'>): Promise<void> {
    if (await this.boss.getQueue(name)) {
      if (Object.keys(options).length) await this.boss.updateQueue(name, options);
      return;
    }
    await this.boss.createQueue(name, options).catch(async (error: unknown) => {
      if (!(await this.boss.getQueue(name))) throw error;
    });
  }

  /**
   * Enqueues a run of `task`; the payload is checked here, so a bad one never reaches a worker.
   * `within`: enqueued in that entity manager's transaction (it exists only if that commits).
   * `singletonKey` with `singletonSeconds`: one job per key and time slot, whoever sends it
   * (the others get null).
   */
  async send<P>(
    task: Task<P>,
    payload: P,
    options: { startAfterSec?: number; singletonKey?: string; singletonSeconds?: number; within?: Within } = {},
  ): Promise<string | null> {
    return this.boss.send(task.name, task.schema.parse(payload) as object, {
      ...(options.startAfterSec ? { startAfter: options.startAfterSec } : {}),
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      ...(options.singletonSeconds ? { singletonSeconds: options.singletonSeconds } : {}),
      ...(options.within ? { db: through(options.within) } : {}),
    });
  }

  /** Enqueues one run of `task` per payload in one statement, in `within`'s transaction (see `send`). */
  async sendMany<P>(task: Task<P>, payloads: P[], options: { within?: Within } = {}): Promise<void> {
    if (!payloads.length) return;
    const jobs = payloads.map((payload) => ({ name: task.name, data: task.schema.parse(payload) as object }));
    await this.boss.insert(task.name, jobs, options.within ? { db: through(options.within) } : {});
  }

  /** Where a job stands (created, retry, active, completed, cancelled, failed); undefined once archived. */
  async state<P>(task: Task<P>, id: string): Promise<string | undefined> {
    return (await this.boss.getJobById(task.name, id))?.state;
  }

  /** Jobs of `task` not done yet (waiting, retrying or running), and those dead-lettered. */
  async counts<P>(task: Task<P>): Promise<{ waiting: number; deadLettered: number }> {
    const { rows } = await this.boss.getDb().executeSql(
      `/* jobCounts */ select count(*) filter (where name = $1)::int as waiting, count(*) filter (where name = $2)::int as dead
       from sy_jobs.job where name in ($1, $2) and state < 'completed'`,
      [task.name, deadLetterOf(task.name)],
    );
    const [row] = rows as Array<{ waiting: number; dead: number }>;
    return { waiting: row?.waiting ?? 0, deadLettered: row?.dead ?? 0 };
  }

  /** Jobs of `task` that failed every retry, oldest first; they stay until someone handles them. */
  async deadLetters<P>(task: Task<P>, limit = 100): Promise<Array<{ id: string; payload: P }>> {
    const { rows } = await this.boss
      .getDb()
      .executeSql('/* deadLetters */ select id, data from sy_jobs.job where name = $1 order by created_on limit $2', [
        deadLetterOf(task.name),
        limit,
      ]);
    return rows.map((row: { id: string; data: P }) => ({ id: row.id, payload: row.data }));
  }

  /** Drops the schedules of tasks named `prefix...` that this queue was not started with. */
  async unscheduleOthers(prefix: string): Promise<void> {
    for (const schedule of await this.boss.getSchedules()) {
      if (schedule.name.startsWith(prefix) && !this.taskNames.has(schedule.name))
        await this.boss.unschedule(schedule.name);
    }
  }

  async schedules(): Promise<Array<{ name: string; cron: string }>> {
    return (await this.boss.getSchedules()).map((s) => ({ name: s.name, cron: s.cron }));
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
