import type { FormEvent } from 'react';
import { ErrorNote } from './ErrorNote';
import { formatTime } from './format';
import { useMutation, useQuery } from './hooks';

const RUNS = `query DashboardCleanupRuns {
  cleanupRuns(first: 20) { id job trigger startedAt finishedAt deleted { reason count } error }
}`;
// A query, not introspection of CleanupJob: introspection is off in production, the dashboard is not.
const TASKS = `query DashboardCleanupTasks { cleanupTasks { job owner reason schedule } }`;
const RUN = `mutation DashboardRunCleanup($job: CleanupJob!) { runCleanup(job: $job) { id } }`;
const POLL_MS = 15_000;

interface Run {
  id: string;
  job: string;
  trigger: 'SCHEDULE' | 'ADMIN';
  startedAt: string;
  finishedAt: string | null;
  deleted: Array<{ reason: string; count: number }>;
  error: string | null;
}
interface Task {
  job: string;
  owner: string;
  reason: string;
  schedule: string;
}

/** The cleanup worker's last runs, newest first, and a button to run a task now. */
export function CleanupRuns() {
  const runs = useQuery<{ cleanupRuns: Run[] }>(RUNS, {}, POLL_MS);
  const tasks = useQuery<{ cleanupTasks: Task[] }>(TASKS);
  const runNow = useMutation(RUN);
  const known = tasks.data?.cleanupTasks ?? [];
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    await runNow.run({ job: new FormData(event.currentTarget).get('job') });
    runs.refetch();
  };
  return (
    <section>
      <h2>Cleanup runs</h2>
      <form className="inline" onSubmit={submit} aria-label="Run a cleanup task">
        <label>
          Task{' '}
          <select name="job" required>
            {known.map((task) => (
              <option
                key={task.job}
                value={task.job}
                title={`${task.owner}: ${task.reason} (cron ${task.schedule}, UTC)`}
              >
                {task.job}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={runNow.busy || !known.length}>
          Run now
        </button>
      </form>
      <ErrorNote error={tasks.error} what="Tasks" />
      <ErrorNote error={runNow.error} what="Run now" />
      <ErrorNote error={runs.error} />
      <table aria-label="Cleanup runs">
        <thead>
          <tr>
            <th>Task</th>
            <th>Trigger</th>
            <th>Started</th>
            <th>Finished</th>
            <th>Deleted</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {runs.data?.cleanupRuns.map((run) => (
            <tr key={run.id} className={run.error ? 'failed' : ''}>
              <th scope="row">{run.job}</th>
              <td>{run.trigger.toLowerCase()}</td>
              <td>{formatTime(run.startedAt)}</td>
              <td>{run.finishedAt ? formatTime(run.finishedAt) : 'running'}</td>
              <td>{run.deleted.map((d) => `${d.count} ${d.reason}`).join(', ') || '0'}</td>
              <td>{run.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {runs.data && !runs.data.cleanupRuns.length && <p className="hint">No runs yet.</p>}
    </section>
  );
}
