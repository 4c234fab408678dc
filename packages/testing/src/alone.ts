// One subgraph on its own, over a fresh database, called as the gateway would call it: for the
// tests beside a subgraph's code (its domain rules), which need no other subgraph and no gateway.
import { generateSigningKey, parseEnv, type Service, type SigningKey, type Viewer, type z } from '@switchyard/kit';
import { GraphQLClient } from './client.js';
import { freshDatabase } from './database.js';
import { viewerHeader } from './assertion.js';
import type { Stack } from './services.js';

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
