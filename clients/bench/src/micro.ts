import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Repeats `work` for about `seconds`; returns units of work per second. */
async function rate(seconds: number, work: () => number | Promise<number>): Promise<number> {
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let units = 0;
  while (process.hrtime.bigint() < end) units += await work();
  return units / (Number(process.hrtime.bigint() - start) / 1e9);
}

const MB = 2 ** 20;

/** Single-core SHA-256 throughput, MB/s. */
export function cpuBench(seconds: number): Promise<number> {
  const block = randomBytes(MB);
  return rate(seconds, () => {
    createHash('sha256').update(block).digest();
    return 1;
  });
}

/** Copy bandwidth between two 64 MB buffers, MB/s. */
export function memBench(seconds: number): Promise<number> {
  const from = Buffer.alloc(64 * MB, 1);
  const to = Buffer.alloc(64 * MB);
  return rate(seconds, () => {
    from.copy(to);
    return 64;
  });
}

/** At most this much is written: the file is a ring, so long runs do not fill the disk. */
const RING = 256 * MB;

/**
 * Sequential write (with fsync) then read of a file in a fresh private directory under `dir`,
 * MB/s averaged over both. Reads may come from the page cache; the write side cannot.
 */
export async function diskBench(seconds: number, dir = tmpdir()): Promise<number> {
  const home = await mkdtemp(join(dir, 'switchyard-bench-'));
  const block = randomBytes(4 * MB);
  const file = await open(join(home, 'data'), 'wx+');
  try {
    let written = 0;
    const write = await rate(seconds / 2, async () => {
      await file.write(block, 0, block.length, written % RING);
      await file.sync();
      written += block.length;
      return 4;
    });
    written = Math.min(written, RING);
    let position = 0;
    const read = await rate(seconds / 2, async () => {
      const { bytesRead } = await file.read(block, 0, block.length, position % Math.max(written, 1));
      position += block.length;
      return bytesRead / MB;
    });
    return (write + read) / 2;
  } finally {
    await file.close();
    await rm(home, { recursive: true, force: true });
  }
}

/** Download throughput from `url`, Mbit/s. */
export async function netBench(seconds: number, url: string): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let bytes = 0;
  const start = process.hrtime.bigint();
  while (Date.now() < deadline) {
    // Reaching the deadline ends the measurement; it is not a failure.
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), Math.max(0, deadline - Date.now()));
    try {
      const response = await fetch(url, { signal: stop.signal });
      if (!response.ok || !response.body) throw new Error(`${url} answered ${response.status}`);
      for await (const chunk of response.body) bytes += (chunk as Uint8Array).length;
    } catch (error) {
      if (!stop.signal.aborted) throw error;
    } finally {
      clearTimeout(timer);
    }
  }
  return (bytes * 8) / 1e6 / (Number(process.hrtime.bigint() - start) / 1e9);
}
