import { buildFederatedSchema, type RetentionTask } from '@switchyard/kit';
import { CleanupResolver } from './run/run.resolver.js';
import { useTasks } from './run/run.types.js';

/** The schema over the retention tasks registered in the workspace (their names are CleanupJob's values). */
export function buildCleanupSchema(tasks: Array<RetentionTask & { owner: string }>) {
  useTasks(tasks);
  return buildFederatedSchema({ resolvers: [CleanupResolver] });
}
