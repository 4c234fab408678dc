import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import si from 'systeminformation';

export interface Hardware {
  cpu: { model: string; cores: number; threads: number; mhz: number | null };
  memoryBytes: number;
  disks: Array<{ name: string; type: string | null; sizeBytes: number }>;
  gpus: Array<{ model: string; vramBytes: number | null }>;
  network: Array<{ name: string; mac: string | null; speedMbps: number | null }>;
  os: { name: string; version: string | null; kernel: string };
}

export interface Machine {
  machineId: string | null;
  hostname: string;
  vendor: string | null;
  model: string | null;
  hardware: Hardware;
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);

/**
 * Identifies a Linux installation across hostname changes: derived from /etc/machine-id, which
 * itself must not be disclosed (machine-id(5)), so only an application-specific hash leaves.
 */
async function machineId(): Promise<string | null> {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    const id = (await readFile(file, 'utf8').catch(() => '')).trim();
    if (id) return createHmac('sha256', id).update('switchyard-bench').digest('hex').slice(0, 32);
  }
  return null;
}

/** The facts the server keeps about a machine, from systeminformation. */
export async function collectMachine(): Promise<Machine> {
  const [cpu, mem, disks, graphics, nics, os, system, id] = await Promise.all([
    si.cpu(),
    si.mem(),
    si.diskLayout().catch(() => []),
    si.graphics().catch(() => ({ controllers: [] })),
    si.networkInterfaces().catch(() => []),
    si.osInfo(),
    si.system().catch(() => null),
    machineId(),
  ]);
  const interfaces = Array.isArray(nics) ? nics : [nics];
  return {
    machineId: id,
    hostname: text(os.hostname) ?? hostname(),
    vendor: text(system?.manufacturer),
    model: text(system?.model),
    hardware: {
      cpu: {
        model: [text(cpu.manufacturer), text(cpu.brand)].filter(Boolean).join(' ') || 'unknown CPU',
        cores: Math.max(1, cpu.physicalCores || cpu.cores || 1),
        threads: Math.max(1, cpu.cores || 1),
        mhz: cpu.speed ? Math.round(cpu.speed * 1000) : null,
      },
      memoryBytes: mem.total,
      disks: disks.map((d) => ({
        name: text(d.device) ?? text(d.name) ?? 'disk',
        type: text(d.type),
        sizeBytes: d.size || 0,
      })),
      gpus: graphics.controllers.map((g) => ({
        model: text(g.model) ?? 'unknown GPU',
        vramBytes: g.vram ? g.vram * 2 ** 20 : null,
      })),
      network: interfaces
        .filter((n) => !n.internal && !n.virtual)
        .map((n) => ({ name: n.iface, mac: text(n.mac), speedMbps: n.speed && n.speed > 0 ? n.speed : null })),
      os: { name: text(os.distro) ?? os.platform, version: text(os.release), kernel: text(os.kernel) ?? 'unknown' },
    },
  };
}
