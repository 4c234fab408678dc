// Retention: each owner defines the deletes of its own data as tasks, one file each beside its SQL,
// and lists them in its package's `./retention` export. Whoever runs retention (the cleanup
// worker) finds them there, in every package of the workspace: it imports none by name.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';

export interface RetentionTask<S extends z.ZodRawShape = z.ZodRawShape> {
  /** Unique across the stack, upper case: PRICES, ORPHANS... (what an admin names to run it now). */
  name: string;
  /** What a deleted row was, as counted in the run's record: "price past retention". */
  reason: string;
  /** When it runs: cron, UTC. */
  schedule: string;
  /** Its own settings, read from the environment of the process that runs it (documented with them). */
  settings?: S;
  /** Deletes up to `limit` rows and returns how many; it is repeated until a batch comes back short. */
  batch(em: EntityManager, settings: z.infer<z.ZodObject<S>>, limit: number): Promise<number>;
}

/** Declares a retention task (one file per task, beside the SQL it runs). */
export function defineRetention<S extends z.ZodRawShape = Record<never, never>>(
  task: RetentionTask<S>,
): RetentionTask<S> & { settings: S } {
  if (!/^[A-Z][A-Z0-9_]{0,40}$/.test(task.name)) throw new Error(`retention task names look like PRICES: ${task.name}`);
  return { ...task, settings: task.settings ?? ({} as S) };
}

/** A day count setting, for retention tasks: rows older than this many days go. */
export const daysAgo = (days: number, now = Date.now()) => new Date(now - days * 86_400_000);

/**
 * One full run of a task: batch after batch, each its own short statement (a large backlog never
 * holds one long lock), until a batch comes back short. Returns the rows deleted.
 */
export async function runRetention<S extends z.ZodRawShape>(
  task: RetentionTask<S>,
  em: EntityManager,
  settings: z.infer<z.ZodObject<S>>,
  limit: number,
  onBatch?: (deleted: number) => void,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await task.batch(em, settings, limit);
    total += deleted;
    onBatch?.(deleted);
    if (deleted < limit) return total;
  }
}

/** The folder holding the workspace's root package.json (the one with "workspaces"), from `from` up. */
function workspaceRoot(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Every retention task registered in the workspace: each package whose package.json exports
 * `./retention`, loaded from there (its `retention` export, an array of tasks). Sorted by name;
 * two tasks of one name are an error.
 */
export async function registeredRetention(from = __dirname): Promise<Array<RetentionTask & { owner: string }>> {
  const root = workspaceRoot(from);
  if (!root) throw new Error(`no workspace root above ${from}`);
  const scope = join(root, 'node_modules', '@switchyard');
  const tasks: Array<RetentionTask & { owner: string }> = [];
  for (const name of existsSync(scope) ? readdirSync(scope).sort() : []) {
    const packageDir = join(scope, name);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      exports?: Record<string, unknown>;
    };
    if (!manifest.exports?.['./retention']) continue;
    const loaded = (await import(`@switchyard/${name}/retention`)) as { retention?: RetentionTask[] };
    if (!Array.isArray(loaded.retention)) throw new Error(`@switchyard/${name}/retention exports no "retention" list`);
    for (const task of loaded.retention) tasks.push({ ...task, owner: name });
  }
  const names = tasks.map((t) => t.name);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length) throw new Error(`retention tasks registered twice: ${twice.join(', ')}`);
  return tasks.sort((a, b) => a.name.localeCompare(b.name));
}
