// CPU time by process, from Linux's /proc, for benches that say where their time went: per
// `npm start` service (by the pid its start line names), for the PostgreSQL server, and for the
// bench itself. Undefined where /proc cannot tell (another OS, a service restarted in between).
import { readdir, readFile } from 'node:fs/promises';

/** The pid in the last "[switchyard] <service> started, pid N" line of `npm start`. */
export function servicePid(stamps: Array<[number, string]>, service: string): number | undefined {
  const started = new RegExp(`\\b${service} started, pid (\\d+)`);
  const line = stamps.findLast(([, l]) => started.test(l))?.[1];
  return line ? Number(started.exec(line)![1]) : undefined;
}

/** `/proc/<pid>/stat`'s fields after the command name (state first), or none. */
async function statFields(pid: number | string): Promise<{ command: string; fields: string[] }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const close = stat.lastIndexOf(')');
  return { command: stat.slice(stat.indexOf('(') + 1, close), fields: stat.slice(close + 2).split(' ') };
}

// utime and stime, the 14th and 15th fields of stat (the 12th and 13th after the command), and
// with `reaped` cutime and cstime after them (children that exited), in clock ticks of 1/100 s.
const seconds = (fields: string[], reaped = false) =>
  fields.length > 15
    ? (Number(fields[11]) + Number(fields[12]) + (reaped ? Number(fields[13]) + Number(fields[14]) : 0)) / 100
    : undefined;

/** CPU seconds (user and system) process `pid` has used so far. */
export async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  return pid === undefined ? undefined : seconds((await statFields(pid)).fields);
}

/**
 * CPU seconds the PostgreSQL server's processes on this machine have used so far (every process
 * named `postgres`: the server, its backends and workers), those of backends that have exited
 * included (the server reaps them, and Linux adds their time to its own children's).
 */
export async function postgresCpuSeconds(): Promise<number | undefined> {
  const pids = await readdir('/proc').catch(() => [] as string[]);
  let total: number | undefined;
  for (const pid of pids.filter((name) => /^\d+$/.test(name))) {
    const { command, fields } = await statFields(pid);
    if (command === 'postgres') total = (total ?? 0) + (seconds(fields, true) ?? 0);
  }
  return total;
}

/** A process's CPU seconds so far, with its pid: a restarted service's count starts again. */
type Used = { pid?: number; seconds?: number };

export interface CpuNow {
  at: number;
  services: Record<string, Used>;
  postgres?: number;
  bench: number;
}

/** CPU seconds used so far by `services` (of `npm start`), PostgreSQL and this process, and when. */
export async function cpuNow(stamps: Array<[number, string]>, services: string[]): Promise<CpuNow> {
  const usage = process.cpuUsage();
  const used: Record<string, Used> = {};
  for (const service of services) {
    const pid = servicePid(stamps, service);
    used[service] = { pid, seconds: await cpuSeconds(pid) };
  }
  return {
    at: performance.now(),
    services: used,
    postgres: await postgresCpuSeconds(),
    bench: (usage.user + usage.system) / 1e6,
  };
}

export interface CpuSpent {
  /** Wall time between the two readings. */
  seconds: number;
  /** Each service's CPU seconds in between (undefined for one restarted between). */
  services: Record<string, number | undefined>;
  postgres?: number;
  bench: number;
}

/** What each used between two readings, and the wall time. */
export function cpuSpent(before: CpuNow, after: CpuNow): CpuSpent {
  const services: Record<string, number | undefined> = {};
  for (const [name, a] of Object.entries(before.services)) {
    const b = after.services[name];
    services[name] =
      a.seconds === undefined || b?.seconds === undefined || a.pid !== b.pid ? undefined : b.seconds - a.seconds;
  }
  const postgres =
    before.postgres === undefined || after.postgres === undefined ? undefined : after.postgres - before.postgres;
  return { seconds: (after.at - before.at) / 1000, services, postgres, bench: after.bench - before.bench };
}
