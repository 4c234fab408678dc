import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** Writes begun this long ago are a crash's leftovers, never one in progress: the sweeps drop them. */
export const ABANDONED_AFTER_MS = 3_600_000;

/** Where document bytes live, by key (their SHA-256). An object store can stand in for the disk. */
export interface BlobStore {
  /** A place to write new bytes before their key is known; commit or abort it. */
  begin(): Promise<PendingBlob>;
  read(key: string): Promise<{ stream: Readable; size: number } | null>;
  /** Drops the leftovers of writes a crash interrupted. */
  sweep(): Promise<void>;
}

export interface PendingBlob {
  /** Writes a chunk, waiting when the store is behind; fails with the store's error. */
  write(chunk: Buffer): Promise<void>;
  /** Keeps the bytes under `key`; when that key is stored already, the new copy is dropped. */
  commit(key: string): Promise<void>;
  abort(): Promise<void>;
}

/** Files under `<dir>/<first two hex digits>/<sha256>`: the same bytes are one file. */
export class DiskStore implements BlobStore {
  constructor(private readonly dir: string) {}

  private path(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error('blob keys are SHA-256 hex digests');
    return join(this.dir, key.slice(0, 2), key);
  }

  /** Drops half-written files a crash left behind (older than ABANDONED_AFTER_MS). */
  async sweep(): Promise<void> {
    const incoming = join(this.dir, 'incoming');
    for (const name of await readdir(incoming).catch(() => [])) {
      const info = await stat(join(incoming, name)).catch(() => null);
      if (info && Date.now() - info.mtimeMs > ABANDONED_AFTER_MS) await rm(join(incoming, name), { force: true });
    }
  }

  async begin(): Promise<PendingBlob> {
    await mkdir(join(this.dir, 'incoming'), { recursive: true });
    const temp = join(this.dir, 'incoming', randomUUID());
    const stream = createWriteStream(temp, { flags: 'wx' });
    // A full disk or a permission problem surfaces in write/commit, never as an unhandled event.
    let failure: Error | undefined;
    stream.on('error', (error) => (failure = error));
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    const check = () => {
      if (failure) throw failure;
    };
    return {
      write: async (chunk) => {
        check();
        if (!stream.write(chunk)) {
          await new Promise<void>((resolve) => {
            stream.once('drain', resolve);
            stream.once('close', resolve);
          });
        }
        check();
      },
      commit: async (key) => {
        await new Promise<void>((resolve) => stream.end(resolve));
        await closed;
        check();
        await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
        // link() refuses an existing target, which then holds these very bytes already.
        await link(temp, this.path(key)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        });
        await rm(temp, { force: true });
      },
      abort: async () => {
        stream.destroy();
        await closed;
        await rm(temp, { force: true });
      },
    };
  }

  async read(key: string) {
    const path = this.path(key);
    const info = await stat(path).catch(() => null);
    return info ? { stream: createReadStream(path), size: info.size } : null;
  }
}
