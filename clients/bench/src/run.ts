import { MultiBar, Presets } from 'cli-progress';
import { collectMachine } from './hardware.js';
import { cpuBench, diskBench, memBench, netBench } from './micro.js';
import { type Measured, normalise } from './normalise.js';

export interface RunOptions {
  seconds: number;
  netUrl?: string;
  /** Where the disk benchmark writes (default: the system's temporary directory). */
  dir?: string;
  progress: boolean;
}

/** The report `submitBenchmark(report:)` takes: the machine, its normalised scores, the raw figures. */
export async function benchmarkThisMachine(options: RunOptions) {
  const machine = await collectMachine();
  const steps: Array<[keyof Measured, (seconds: number) => Promise<number>]> = [
    ['cpu', cpuBench],
    ['mem', memBench],
    ['disk', (s) => diskBench(s, options.dir)],
  ];
  if (options.netUrl) steps.push(['net', (s) => netBench(s, options.netUrl!)]);
  const bars = options.progress
    ? new MultiBar(
        { format: '{name} {bar} {status}', clearOnComplete: false, hideCursor: true },
        Presets.shades_classic,
      )
    : null;
  const measured: Measured = {};
  for (const [name, bench] of steps) {
    const bar = bars?.create(1, 0, { name: name.padEnd(4), status: 'running' });
    measured[name] = await bench(options.seconds);
    bar?.update(1, { status: `${measured[name]!.toFixed(0)} ${name === 'net' ? 'Mbit/s' : 'MB/s'}` });
  }
  bars?.stop();
  return {
    ...machine,
    scores: normalise(measured),
    ranAt: new Date().toISOString(),
    raw: { ...measured, seconds: options.seconds, node: process.version },
  };
}
