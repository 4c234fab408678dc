// One subgraph on its own, over a fresh database, called as the gateway would call it: for the
// tests beside a subgraph's code (its domain rules), which need no other subgraph and no gateway.
import type { afterAll as AfterAll, beforeAll as BeforeAll } from '@jest/globals';
import { generateSigningKey, parseEnv, type Service, type SigningKey, type Viewer, type z } from '@switchyard/kit';
import { GraphQLClient } from './client.js';
import { freshDatabase, sqlClient } from './database.js';
import { viewerHeader } from './assertion.js';
import { Stack } from './services.js';

/** The key pair of the gateway these tests play (one per test file). */
let testGatewayKey: Promise<SigningKey> | undefined;
export const aloneGatewayKey = () => (testGatewayKey ??= generateSigningKey());

export interface Alone {
  service: Service;
  url: string;
  /** The database it runs on (for seeding and independent checks). */
  db: string;
  /** A client that calls it as the gateway would, for `viewer` (or nobody). */
  as(viewer?: Viewer | null): Promise<GraphQLClient>;
}

/**
 * Starts `name` (its package's `service`: env schema and start) on a free port over a fresh
 * database, trusting this file's test gateway; `stack` closes it.
 */
export async function startAlone<S extends z.ZodRawShape>(
  stack: Stack,
  name: string,
  pkg: { env: S; start: (env: never) => Promise<Service> },
  settings: Record<string, string> = {},
): Promise<Alone> {
  const key = await aloneGatewayKey();
  const db = settings.DATABASE_URL ?? (await freshDatabase(name));
  const env = parseEnv(pkg.env, {
    NODE_ENV: 'test',
    DATABASE_URL: db,
    HOST: '127.0.0.1',
    PORT: '0',
    GATEWAY_PUBLIC_KEYS: JSON.stringify(key.publicJwk),
    DB_POOL_SIZE: '4',
    ...settings,
  });
  const service = await stack.add(pkg.start(env as never));
  return {
    service,
    url: service.url,
    db,
    as: async (viewer = null) => new GraphQLClient(service.url).with(await viewerHeader(key, name, viewer)),
  };
}

/** A viewer as the gateway asserts it: a user (USER unless said) with no scopes. */
export const userViewer = (id: string, role = 'USER'): Viewer => ({ kind: 'user', id, role, scopes: [] });

/** What `useAlone` holds for a test file: the subgraph and a SQL client on its database. */
export interface AloneInFile {
  alone: Alone;
  sql: Awaited<ReturnType<typeof sqlClient>>;
}

/**
 * Starts `name` alone before the calling file's tests (jest's beforeAll) and closes it, with its
 * SQL client, after them; the holder is filled in once they start.
 */
export function useAlone<S extends z.ZodRawShape>(
  name: string,
  pkg: { env: S; start: (env: never) => Promise<Service> },
  settings: Record<string, string> = {},
): AloneInFile {
  // jest's own globals, looked up when called: importing @jest/globals throws outside jest, and
  // this package's other helpers serve the benchmarks too.
  const { beforeAll, afterAll } = globalThis as unknown as { beforeAll: typeof BeforeAll; afterAll: typeof AfterAll };
  const stack = new Stack();
  const holder = {} as AloneInFile;
  beforeAll(async () => {
    holder.alone = await startAlone(stack, name, pkg, settings);
    holder.sql = await sqlClient(holder.alone.db);
  });
  afterAll(async () => {
    await holder.sql?.end();
    await stack.close();
  });
  return holder;
}
