import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { generateSigningKey } from '@switchyard/kit';
import { freePort, waitFor } from '@switchyard/testing';

const ROOT = join(__dirname, '..', '..');
const SERVICES = ['GATEWAY', 'USERS', 'SESSIONS', 'BENCHMARKS', 'INGESTION', 'CLEANUP', 'SENSORS', 'MQTT'];

export interface NpmStartStack {
  child: ChildProcess;
  /** Each service's port by its setting's name (GATEWAY_PORT, MQTT_PORT, ...). */
  ports: Record<string, string>;
  gatewayUrl: string;
  /** Everything the stack has printed so far. */
  output(): string;
  /** The moments `[switchyard]` lines arrived (performance.now()), with the line. */
  stamps: Array<[number, string]>;
  stop(): Promise<void>;
}

/** The settings a deployment runs with: NODE_ENV=production, and the gateway's key it then asks for. */
export async function productionSettings(): Promise<Record<string, string>> {
  return { NODE_ENV: 'production', GATEWAY_SIGNING_KEY: JSON.stringify((await generateSigningKey()).privateJwk) };
}

/**
 * `npm start`'s stack (scripts/start.js: each service its own process, supervised) on free ports
 * over `databaseUrl`, once it says it is ready. One machine plays every caller, so the per-caller
 * rate limit (never what a bench measures) is lifted.
 */
export async function npmStartStack(databaseUrl: string, env: Record<string, string> = {}): Promise<NpmStartStack> {
  const ports: Record<string, string> = {};
  for (const name of SERVICES) ports[`${name}_PORT`] = String(await freePort());
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.js')], {
    cwd: ROOT,
    env: { ...process.env, ...ports, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', RATE_LIMIT: '1000000000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stamps: Array<[number, string]> = [];
  // Whole lines only, per stream: a line can arrive split across two chunks.
  const reader = () => {
    let partial = '';
    return (chunk: Buffer) => {
      output += chunk;
      const lines = (partial + String(chunk)).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('[switchyard]')) stamps.push([performance.now(), line]);
    };
  };
  child.stdout!.on('data', reader());
  child.stderr!.on('data', reader());
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await Promise.race([
      waitFor(async () => output.includes('press Ctrl-C to stop'), 300_000, 'npm start ready'),
      exited.then(() => {
        throw new Error(`npm start exited:\n${output.slice(-4000)}`);
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    child,
    ports,
    gatewayUrl: `http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`,
    output: () => output,
    stamps,
    stop,
  };
}
