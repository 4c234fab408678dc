import { pageSize, type RetentionTask, statement, type SubgraphContext } from '@switchyard/kit';
import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { type RunRow, toRun } from './runner.js';
import { CleanupJobName, CleanupRun, CleanupTask } from './run.types.js';

export interface CleanupContext extends SubgraphContext {
  /** The registered retention tasks. */
  tasks: ReadonlyArray<RetentionTask & { owner: string }>;
  /** Runs the registered task of this name now. */
  runNow(job: string): Promise<RunRow>;
}

const runs = statement<{ job: string | null; limit: number }>(
  `/* cleanupRuns */ select * from cleanup.runs where (:job::text is null or job = :job)
   order by started_at desc, id desc limit :limit`,
);

const present = (run: RunRow): CleanupRun => ({
  ...run,
  job: run.job as CleanupRun['job'],
  deleted: Object.entries(run.deleted).map(([reason, count]) => ({ reason, count })),
});

@Resolver(() => CleanupRun)
export class CleanupResolver {
  @Authorized('ADMIN')
  @Query(() => [CleanupRun], { description: 'Newest first.' })
  async cleanupRuns(
    @Ctx() ctx: CleanupContext,
    @Arg('job', () => CleanupJobName, { nullable: true }) job?: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
  ) {
    const rows = await runs(ctx.em, { job: job ?? null, limit: pageSize(first) });
    return rows.map((row) => present(toRun(row)));
  }

  @Authorized('ADMIN')
  @Query(() => [CleanupTask], {
    description: "The registered tasks by name (CleanupJob's values, for clients that may not introspect).",
  })
  cleanupTasks(@Ctx() ctx: CleanupContext): CleanupTask[] {
    return ctx.tasks
      .map(({ name, owner, reason, schedule }) => ({ job: name, owner, reason, schedule }))
      .sort((a, b) => a.job.localeCompare(b.job));
  }

  @Authorized('ADMIN')
  @Mutation(() => CleanupRun, { description: 'Runs a cleanup job now and returns its record.' })
  async runCleanup(@Arg('job', () => CleanupJobName) job: string, @Ctx() ctx: CleanupContext) {
    return present(await ctx.runNow(job));
  }
}
