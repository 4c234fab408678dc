import { randomUUID } from 'node:crypto';
import {
  type Logger,
  type Metrics,
  type Orm,
  parseEnv,
  type RetentionTask,
  runRetention,
  statement,
} from '@switchyard/kit';
import { Counter, Histogram } from 'prom-client';
import type { CleanupEnv } from '../env.js';

export interface RunRow {
  id: string;
  job: string;
  trigger: 'SCHEDULE' | 'ADMIN';
  startedAt: Date;
  finishedAt: Date | null;
  deleted: Record<string, number>;
  error: string | null;
}

const startRun = statement<{ id: string; job: string; trigger: RunRow['trigger'] }>(
  '/* startRun */ insert into cleanup.runs (id, job, trigger) values (:id, :job, :trigger)',
);
const finishRun = statement<{ id: string; deleted: string; error: string | null }>(
  `/* finishRun */ update cleanup.runs set finished_at = now(), deleted = :deleted::jsonb, error = :error
   where id = :id returning *`,
);

/**
 * Runs the registered retention tasks batch by batch and records every run in `cleanup.runs`.
 * Each task's settings are read from this process's environment when it starts, so a bad one
 * stops the start.
 */
export class CleanupRunner {
  private readonly deleted: Counter<'reason'>;
  private readonly duration: Histogram<'job'>;
  private readonly settings = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly orm: Orm,
    readonly tasks: RetentionTask[],
    private readonly env: CleanupEnv,
    private readonly logger: Logger,
    metrics: Metrics,
  ) {
    for (const task of tasks) this.settings.set(task.name, parseEnv(task.settings ?? {}));
    this.deleted = new Counter({
      name: 'cleanup_rows_deleted_total',
      help: 'Rows deleted by reason.',
      labelNames: ['reason'],
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'cleanup_duration_seconds',
      help: 'Duration of cleanup runs.',
      labelNames: ['job'],
      registers: [metrics.registry],
    });
  }

  async run(name: string, trigger: RunRow['trigger']): Promise<RunRow> {
    const job = this.tasks.find((task) => task.name === name);
    if (!job) throw new Error(`no retention task ${name} is registered`);
    const em = this.orm.em.fork();
    const id = randomUUID();
    const stop = this.duration.startTimer({ job: job.name });
    await startRun(em, { id, job: job.name, trigger });
    let count = 0;
    let error: string | null = null;
    try {
      count = await runRetention(job, em, this.settings.get(job.name)!, this.env.CLEANUP_BATCH, (n) =>
        this.deleted.inc({ reason: job.reason }, n),
      );
    } catch (failure) {
      error = (failure as Error).message;
      this.logger.error({ err: failure, job: job.name }, 'cleanup job failed');
    }
    stop();
    const [row] = await finishRun(em, { id, deleted: JSON.stringify({ [job.reason]: count }), error });
    this.logger.info({ job: job.name, deleted: count, error }, 'cleanup run finished');
    return toRun(row!);
  }
}

export function toRun(row: Record<string, unknown>): RunRow {
  return {
    id: row.id as string,
    job: row.job as string,
    trigger: row.trigger as RunRow['trigger'],
    startedAt: new Date(row.started_at as string),
    finishedAt: row.finished_at ? new Date(row.finished_at as string) : null,
    deleted: (typeof row.deleted === 'string' ? JSON.parse(row.deleted) : row.deleted) as Record<string, number>,
    error: (row.error as string | null) ?? null,
  };
}
