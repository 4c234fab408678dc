import { createHash } from 'node:crypto';
import type { Report } from '../benchmark/benchmark.inputs.js';

/** Sorts object keys at every level so the same facts always serialise the same way. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** The hardware's identity: unchanged hardware hashes the same, whatever order lists came in. */
export function hardwareHash(hardware: Report['hardware']): string {
  const byName = <T extends { name?: string; model?: string }>(list: T[]) =>
    [...list].sort((a, b) => (a.name ?? a.model ?? '').localeCompare(b.name ?? b.model ?? ''));
  const normalised = {
    ...hardware,
    disks: byName(hardware.disks),
    gpus: byName(hardware.gpus),
    network: byName(hardware.network),
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(normalised)))
    .digest('hex');
}
