import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

const TAIL_CHARS = 8000;
const STOP_GRACE_MS = 15_000;
/** USER_HZ of /proc/<pid>/stat: 100 on every mainstream Linux build (node cannot ask sysconf). */
const CLOCK_TICKS = 100;

/** A process of the benchmark: its own node, so its memory is its own. */
export class Child {
  private output = '';
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-TAIL_CHARS);
    };
    process.stdout?.on('data', keep);
    process.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => process.once('exit', (code) => resolve(code)));
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  get alive() {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** What it printed last, to explain a failure. */
  tail() {
    return this.output.trim()
      ? `--- ${this.name} output (tail) ---\n${this.output.trim()}`
      : `(${this.name} printed nothing)`;
  }

  /** Peak resident set size so far (the kernel's VmHWM), in MiB. */
  peakRssMb(): Promise<number> {
    return this.statusMb('VmHWM');
  }

  /** Resident set size now (VmRSS), in MiB. */
  rssMb(): Promise<number> {
    return this.statusMb('VmRSS');
  }

  private async statusMb(field: string): Promise<number> {
    const status = await readFile(`/proc/${this.process.pid}/status`, 'utf8');
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    if (!kb) throw new Error(`no ${field} for ${this.name}`);
    return Number(kb) / 1024;
  }

  /** CPU time it has used (user + system), in seconds. */
  async cpuSeconds(): Promise<number> {
    const stat = await readFile(`/proc/${this.process.pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  }

  /** SIGTERM, so it shuts down as in production (and `--cpu-prof` writes); SIGKILL after `graceMs`. */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    if (!this.alive) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

const running = new Set<Child>();

/** `node <args>` with `env` (not the bench's own environment), its output kept for `tail()`. */
export function startNode(name: string, args: string[], env: NodeJS.ProcessEnv, ipc = false): Child {
  const stdio = ipc ? (['ignore', 'pipe', 'pipe', 'ipc'] as const) : (['ignore', 'pipe', 'pipe'] as const);
  return new Child(name, spawn(process.execPath, args, { env, stdio: [...stdio] }));
}

/** Every child still running, stopped: on the way out, however the bench ends. */
export async function stopAll(graceMs?: number): Promise<void> {
  await Promise.all([...running].map((child) => child.stop(graceMs)));
}
