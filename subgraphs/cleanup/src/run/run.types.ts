import type { RetentionTask } from '@switchyard/kit';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/**
 * The registered retention tasks by name (PRICES, ORPHANS...): filled by `useTasks` before the
 * schema is built, from whatever the workspace's packages register, so this package names none.
 */
export const CleanupJobName: Record<string, string> = {};
const jobValues: Record<string, { description: string }> = {};
registerEnumType(CleanupJobName, {
  name: 'CleanupJob',
  description:
    'A retention task, registered by the package that owns the data it deletes (each value says what it deletes and whose it is).',
  valuesConfig: jobValues,
});

/** Makes the registered tasks the values of CleanupJob. */
export function useTasks(tasks: Array<RetentionTask & { owner: string }>): void {
  for (const key of Object.keys(CleanupJobName)) delete CleanupJobName[key];
  for (const task of tasks) {
    CleanupJobName[task.name] = task.name;
    jobValues[task.name] = { description: `${task.owner}: ${task.reason} (cron ${task.schedule}, UTC)` };
  }
}

@ObjectType({ description: 'A registered retention task: what it deletes, whose data it is, and when it runs.' })
export class CleanupTask {
  @Field(() => CleanupJobName) job!: string;
  @Field({ description: 'The package that registered it and owns the data.' }) owner!: string;
  @Field({ description: 'What it deletes.' }) reason!: string;
  @Field({ description: 'Its cron schedule, UTC.' }) schedule!: string;
}

export const RunTrigger = { SCHEDULE: 'SCHEDULE', ADMIN: 'ADMIN' } as const;
registerEnumType(RunTrigger, { name: 'CleanupTrigger' });

@ObjectType()
export class DeletedCount {
  @Field() reason!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'One run of a cleanup job.' })
export class CleanupRun {
  @Field(() => ID) id!: string;
  @Field(() => CleanupJobName) job!: string;
  @Field(() => RunTrigger) trigger!: keyof typeof RunTrigger;
  @Field() startedAt!: Date;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => [DeletedCount], { description: 'Rows deleted, by reason.' }) deleted!: DeletedCount[];
  @Field(() => String, { nullable: true }) error!: string | null;
}
