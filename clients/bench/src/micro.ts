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

/** The least a download measurement covers: one whole response, or this much of an endless one. */
const SAMPLE = MB;

/**
 * Download throughput from `url`, Mbit/s: responses fetched one after another for about
 * `seconds`. The clock starts when the first response's headers arrive, so starting the client,
 * connecting and the server's first answer are not counted against the line; and reading goes on
 * past the window until one whole response (or SAMPLE bytes) has arrived, so the figure rests on
 * a real sample however short the window or busy the machine (a window that closed before any
 * byte arrived used to report 0). A response still arriving when time is up is cut off there.
 */
export async function netBench(seconds: number, url: string): Promise<number> {
  let bytes = 0;
  let complete = 0;
  let start: bigint | undefined;
  const elapsed = () => Number(process.hrtime.bigint() - start!) / 1e9;
  const done = () => elapsed() >= seconds && (complete > 0 || bytes >= SAMPLE);
  while (start === undefined || !done()) {
    const response = await fetch(url);
    if (!response.ok || !response.body) throw new Error(`${url} answered ${response.status}`);
    start ??= process.hrtime.bigint();
    let cut = false;
    for await (const chunk of response.body) {
      bytes += (chunk as Uint8Array).length;
      if (done()) {
        cut = true;
        break; // cancels the rest of the body
      }
    }
    if (!cut) complete++;
  }
  if (bytes === 0) throw new Error(`${url} sent no bytes to measure`);
  return (bytes * 8) / 1e6 / elapsed();
}
