import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { SingleBar } from 'cli-progress';
import { stringify } from 'csv-stringify';
import { Gateway } from './api.js';
import { generateSessions } from './generate.js';

export interface SimulateOptions {
  url: string;
  users: number;
  /** Total sessions, spread evenly over the users. */
  sessions: number;
  out: string;
  seed: string | number;
  weeks: number;
  batch: number;
  concurrency: number;
  password: string;
  emailPrefix: string;
  progress: boolean;
  now?: Date;
}

export interface SimulateReport {
  users: number;
  imported: number;
  csvRows: number;
  failures: string[];
}

export const CSV_COLUMNS = [
  'user_email',
  'user_id',
  'activity',
  'count',
  'total_duration_sec',
  'average_duration_sec',
  'total_distance_m',
  'total_calories',
  'average_heart_rate',
] as const;

const IMPORT = `mutation($rows: [SessionImportRow!]!) {
  importSessions(sessions: $rows) { imported rejected { index field reason } }
}`;
const STATS = `{ me { stats { byActivity {
  activity count totalDurationSec averageDurationSec totalDistanceM totalCalories averageHeartRate
} } } }`;

interface ActivityStats {
  activity: string;
  count: number;
  totalDurationSec: number;
  averageDurationSec: number | null;
  totalDistanceM: number;
  totalCalories: number;
  averageHeartRate: number | null;
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Signs the users in, imports their generated sessions (a user's sessions are made when that
 * user's turn comes, so memory holds a few users' worth), and writes their statistics as CSV.
 */
export async function simulate(options: SimulateOptions): Promise<SimulateReport> {
  // Open the output first: a bad path fails now, not after all the imports.
  const file = createWriteStream(options.out);
  await once(file, 'open');
  const gateway = new Gateway(options.url);
  const now = options.now ?? new Date();
  const failures: string[] = [];
  const people = Array.from({ length: options.users }, (_, i) => ({
    index: i,
    email: `${options.emailPrefix}-${i}@simulator.local`,
    // Even spread; the first users take the remainder.
    count: Math.floor(options.sessions / options.users) + (i < options.sessions % options.users ? 1 : 0),
  }));
  const accounts = new Map<number, { id: string; token: string }>();

  const bar = new SingleBar({ format: 'sessions {bar} {value}/{total} | {eta}s left', noTTYOutput: false });
  if (options.progress) bar.start(options.sessions, 0);
  let imported = 0;
  await pool(people, options.concurrency, async (person) => {
    let account: { id: string; token: string };
    try {
      account = await gateway.signIn(person.email, options.password);
      accounts.set(person.index, account);
    } catch (error) {
      failures.push(`${person.email}: sign-in failed: ${(error as Error).message}`);
      return;
    }
    const sessions = generateSessions({
      seed: options.seed,
      user: person.index,
      count: person.count,
      weeks: options.weeks,
      now,
    });
    for (let i = 0; i < sessions.length; i += options.batch) {
      const rows = sessions.slice(i, i + options.batch);
      try {
        const { importSessions } = await gateway.call<{
          importSessions: { imported: number; rejected: Array<{ index: number; field: string; reason: string }> };
        }>(IMPORT, { rows }, account.token);
        imported += importSessions.imported;
        for (const r of importSessions.rejected)
          failures.push(`${person.email}: row ${i + r.index}: ${r.field}: ${r.reason}`);
      } catch (error) {
        failures.push(`${person.email}: import of ${rows.length} sessions failed: ${(error as Error).message}`);
      }
      if (options.progress) bar.increment(rows.length);
    }
  });
  if (options.progress) bar.stop();

  const statsOf = new Map<number, ActivityStats[]>();
  await pool([...accounts], options.concurrency, async ([index, account]) => {
    try {
      const { me } = await gateway.call<{ me: { stats: { byActivity: ActivityStats[] } } }>(STATS, {}, account.token);
      statsOf.set(index, me.stats.byActivity);
    } catch (error) {
      failures.push(`${people[index]!.email}: stats failed: ${(error as Error).message}`);
    }
  });

  const csv = stringify({ header: true, columns: [...CSV_COLUMNS] });
  const written = once(csv.pipe(file), 'finish');
  let csvRows = 0;
  for (const person of people) {
    const account = accounts.get(person.index);
    for (const a of statsOf.get(person.index) ?? []) {
      csv.write([
        person.email,
        account!.id,
        a.activity,
        a.count,
        a.totalDurationSec,
        a.averageDurationSec,
        a.totalDistanceM,
        a.totalCalories,
        a.averageHeartRate ?? '',
      ]);
      csvRows++;
    }
  }
  csv.end();
  await written;
  return { users: accounts.size, imported, csvRows, failures };
}
