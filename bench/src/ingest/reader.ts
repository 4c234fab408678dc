import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { keptAliveCaller, latency } from '../timing.js';

interface Reads {
  url: string;
  token: string;
  runs: number;
  /** Unmeasured reads before each timed run (a tenth of `runs` unless given). */
  warmup?: number;
  reads: Record<string, { query: string; variables?: Record<string, unknown> }>;
}
type Timed = Awaited<ReturnType<typeof latency>>;

/**
 * Times each read (`runs` in a row, after `warmup` unmeasured) from a process of its own, as
 * an app would call: the bench process has made and sent millions of readings by then, and its own
 * full collections (up to 27 ms each here, about one per 70 reads) would be timed as the stack's.
 */
export async function timedReads(spec: Reads): Promise<Record<string, Timed>> {
  const { stdout } = await promisify(execFile)(process.execPath, [__filename], {
    env: { ...process.env, BENCH_READS: JSON.stringify(spec) },
  });
  return JSON.parse(stdout) as Record<string, Timed>;
}

async function main(spec: Reads) {
  const call = keptAliveCaller(spec.url, spec.token);
  const timed: Record<string, Timed> = {};
  for (const [name, { query, variables }] of Object.entries(spec.reads)) {
    timed[name] = await latency(() => call(query, variables), spec.runs, spec.warmup);
  }
  process.stdout.write(JSON.stringify(timed));
}

if (require.main === module) {
  main(JSON.parse(process.env.BENCH_READS!) as Reads).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
