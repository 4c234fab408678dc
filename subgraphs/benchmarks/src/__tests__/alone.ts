// benchmarks on its own, over a fresh database of its own, called as the gateway would call it:
// the shared pieces of this folder's domain tests (a bench report, the viewers that send it).
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Viewer } from '@switchyard/kit';
import { type Alone, type GraphQLClient, sqlClient, Stack, startAlone, userViewer } from '@switchyard/testing';
import type pg from 'pg';
import { service } from '../index.js';

export const SUBMIT = `mutation($r: BenchmarkReport!) { submitBenchmark(report: $r) {
  globalScore missing newSnapshot device { id hostname machineId } benchmark { id scores { cpu mem disk net gpu } snapshot { id hash } }
} }`;

/** A bench client's report; `over` changes the parts a test cares about. */
export function report(
  over: {
    machineId?: string | null;
    hostname?: string;
    memoryBytes?: number;
    disks?: unknown[];
    scores?: Record<string, number | null>;
  } = {},
) {
  return {
    machineId: over.machineId === undefined ? 'machine-1' : over.machineId,
    hostname: over.hostname ?? 'rig-1',
    vendor: 'Framework',
    model: 'Laptop 13',
    hardware: {
      cpu: { model: 'AMD Ryzen 7 7840U', cores: 8, threads: 16, mhz: 3300 },
      memoryBytes: over.memoryBytes ?? 32 * 2 ** 30,
      disks: over.disks ?? [
        { name: 'nvme0n1', type: 'nvme', sizeBytes: 1e12 },
        { name: 'sda', type: 'ssd', sizeBytes: 5e11 },
      ],
      gpus: [{ model: 'Radeon 780M', vramBytes: 2 ** 31 }],
      network: [{ name: 'wlan0', mac: 'aa:bb:cc:dd:ee:ff', speedMbps: 1200 }],
      os: { name: 'Debian', version: '12', kernel: '6.1.0-18-amd64' },
    },
    scores: over.scores ?? { cpu: 80, mem: 60, disk: 90, net: 40, gpu: 20 },
    raw: { cpu: { sha256MBps: 812 } },
  };
}

const weights = { cpu: 0.3, mem: 0.2, disk: 0.25, net: 0.15, gpu: 0.1 };
/** The global score under the default weights, worked out independently of the code. */
export function expectedScore(scores: Record<string, number | null>) {
  const present = Object.entries(scores).filter(([, v]) => v != null) as Array<[keyof typeof weights, number]>;
  const weight = present.reduce((s, [c]) => s + weights[c], 0);
  return Math.round((present.reduce((s, [c, v]) => s + weights[c] * v, 0) / weight) * 100) / 100;
}

/** An API token as the gateway asserts it (the bench client holds one with benchmarks:write). */
export const tokenViewer = (scopes: string[]): Viewer => ({ kind: 'token', id: randomUUID(), role: null, scopes });

export interface Benchmarks {
  alone: Alone;
  /** Where its HTTP routes are (uploads, documents, exports). */
  origin: string;
  /** A plain SQL client on its database, for seeding and independent checks. */
  sql: pg.Client;
  /** A bench client: an API token with scope benchmarks:write. */
  machine: GraphQLClient;
  admin: GraphQLClient;
}

/**
 * For a test file: benchmarks alone (documents in a temporary folder unless `settings` say
 * otherwise), started before its tests and closed after them. Fields are filled in beforeAll.
 */
export function useBenchmarks(settings: () => Record<string, string> = () => ({})): Benchmarks {
  const stack = new Stack();
  const running = {} as Benchmarks;
  beforeAll(async () => {
    const alone = await startAlone(stack, 'benchmarks', service, {
      STORAGE_DIR: join(tmpdir(), `switchyard-documents-${randomUUID()}`),
      ...settings(),
    });
    Object.assign(running, {
      alone,
      origin: new URL(alone.url).origin,
      sql: await sqlClient(alone.db),
      machine: await alone.as(tokenViewer(['benchmarks:write'])),
      admin: await alone.as(userViewer(randomUUID(), 'ADMIN')),
    });
  });
  afterAll(async () => {
    await running.sql?.end();
    await stack.close();
  });
  return running;
}
