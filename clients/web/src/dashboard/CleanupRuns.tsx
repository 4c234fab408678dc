import { type FormEvent, useState } from 'react';
import { ErrorNote } from './ErrorNote';
import { formatTime } from './format';
import type { OperationError } from './graphql';
import { useQuery, useSignedIn } from './hooks';

const RUNS = `query DashboardCleanupRuns {
  cleanupRuns(first: 20) { id job trigger startedAt finishedAt deleted { reason count } error }
}`;
// The registered tasks are CleanupJob's values; where introspection is off, those seen in the runs.
const JOBS = `query DashboardCleanupJobs { __type(name: "CleanupJob") { enumValues { name description } } }`;
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

/** The cleanup worker's last runs, newest first, and a button to run a task now. */
export function CleanupRuns() {
  const { gateway } = useSignedIn();
  const runs = useQuery<{ cleanupRuns: Run[] }>(RUNS, {}, POLL_MS);
  const jobs = useQuery<{ __type: { enumValues: Array<{ name: string; description: string | null }> } | null }>(JOBS);
  const [failure, setFailure] = useState<OperationError>();
  const [running, setRunning] = useState(false);
  const known =
    jobs.data?.__type?.enumValues ??
    Array.from(new Set(runs.data?.cleanupRuns.map((run) => run.job)), (name) => ({ name, description: null }));
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setRunning(true);
    try {
      await gateway.request(RUN, { job: new FormData(event.currentTarget).get('job') });
      setFailure(undefined);
    } catch (thrown) {
      setFailure(thrown as OperationError);
    }
    setRunning(false);
    runs.refetch();
  };
  return (
    <section>
      <h2>Cleanup runs</h2>
      <form className="inline" onSubmit={submit} aria-label="Run a cleanup task">
        <label>
          Task{' '}
          <select name="job" required>
            {known.map((job) => (
              <option key={job.name} value={job.name} title={job.description ?? undefined}>
                {job.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={running || !known.length}>
          Run now
        </button>
      </form>
      <ErrorNote error={failure} what="Run now" />
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
