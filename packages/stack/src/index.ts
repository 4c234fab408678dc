import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSupergraph, gatewayEnv, readRegistry, startGateway } from '@switchyard/gateway';
import { parseEnv, type Service, type SigningKey, type SubgraphPackage } from '@switchyard/kit';

export const ROOT = join(__dirname, '..', '..', '..');
export const REGISTRY = join(ROOT, 'supergraph.yaml');

/** The subgraphs of the repository's registry, by name (tests name them). */
type Known = 'users' | 'sessions' | 'benchmarks' | 'ingestion' | 'cleanup' | 'sensors';

export interface StackOptions {
  databaseUrl: string;
  /** The gateway's key pair (`generateSigningKey()`): subgraphs trust its public half. */
  gatewayKey: SigningKey;
  admin: { email: string; password: string };
  /** Extra users settings (JWT_TTL, ...). */
  users?: Record<string, string>;
  /** Extra gateway settings (SUPERGRAPH_FILE, ...). */
  gateway?: Record<string, string>;
  /** Extra benchmarks settings (MAX_UPLOAD_BYTES, STORAGE_DIR, ...). */
  benchmarks?: Record<string, string>;
  /** Extra ingestion settings (MARKET_PROVIDER, REPLAY_FILE, COLLECT_INTERVAL: 0 by default here). */
  ingestion?: Record<string, string>;
  /** Extra cleanup settings (CLEANUP_BATCH, ...). */
  cleanup?: Record<string, string>;
  /** Extra settings of any subgraph, by name. */
  settings?: Record<string, Record<string, string>>;
  nodeEnv?: 'test' | 'development' | 'production';
  /** Events over this NATS server (JetStream) instead of PostgreSQL NOTIFY, for every service. */
  natsUrl?: string;
  /** Subgraphs that keep their data in a database of their own (events still use `databaseUrl`). */
  ownDatabases?: Partial<Record<string, string>>;
  /**
   * Another registry than the repository's supergraph.yaml: its subgraphs are started, and the
   * gateway serves a supergraph composed from it.
   */
  registry?: string;
}

export type RunningStack = Record<Known, Service> & {
  /** Every subgraph the registry lists, by name. */
  subgraphs: Record<string, Service>;
  gateway: Service;
  close(): Promise<void>;
};

/** Settings this harness gives some subgraphs: no schedules, mail into a temporary folder... */
function testSettings(name: string, options: StackOptions): Record<string, string | undefined> {
  switch (name) {
    case 'users':
      return { ADMIN_EMAIL: options.admin.email, ADMIN_PASSWORD: options.admin.password };
    case 'benchmarks':
      return { STORAGE_DIR: join(tmpdir(), `switchyard-documents-${randomUUID()}`) };
    case 'ingestion':
      return {
        COLLECT_INTERVAL: '0',
        MAIL_FOLDER: join(tmpdir(), `switchyard-mail-${randomUUID()}`),
        MAIL_POLL_MS: '500',
        // No MQTT broker unless a test asks for one (MQTT_PORT or MQTT_URL).
        MQTT_PORT: '0',
      };
    default:
      return {};
  }
}

/** A subgraph package's `service`: its sources under jest, its build otherwise. */
export function servicePackage(packageDir: string): SubgraphPackage {
  const sources = join(packageDir, 'src');
  const fromSources = process.env.JEST_WORKER_ID !== undefined && existsSync(join(sources, 'index.ts'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(fromSources ? sources : join(packageDir, 'dist', 'index.js')) as { service?: SubgraphPackage };
  if (!loaded.service) throw new Error(`${packageDir} exports no \`service\``);
  return loaded.service;
}

/**
 * Every subgraph of the registry and the real gateway in this process, on free ports, over one
 * database (or their own), started in the registry's order.
 */
export async function startAll(options: StackOptions): Promise<RunningStack> {
  const registry = options.registry ?? REGISTRY;
  const common = {
    NODE_ENV: options.nodeEnv ?? 'test',
    EVENTS_DATABASE_URL: options.databaseUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    GATEWAY_PUBLIC_KEYS: JSON.stringify(options.gatewayKey.publicJwk),
    // Seven services share one server with the other test files: a few connections each.
    DB_POOL_SIZE: '4',
    ...(options.natsUrl && { NATS_URL: options.natsUrl }),
  };
  const started: Service[] = [];
  const close = async () => {
    for (const service of started.splice(0).reverse()) await service.close();
  };
  try {
    const subgraphs: Record<string, Service> = {};
    for (const entry of readRegistry(registry)) {
      const { env, start } = servicePackage(entry.packageDir);
      const settings = {
        ...common,
        DATABASE_URL: options.ownDatabases?.[entry.name] ?? options.databaseUrl,
        // Subgraphs that confirm tokens themselves (MQTT) ask users, started first.
        USERS_URL: subgraphs.users?.url,
        ...testSettings(entry.name, options),
        ...(options[entry.name as keyof StackOptions] as Record<string, string> | undefined),
        ...options.settings?.[entry.name],
      };
      const service = await start(parseEnv(env, settings) as Parameters<typeof start>[0]);
      started.push(service);
      subgraphs[entry.name] = service;
    }
    const supergraphFile = registry === REGISTRY ? join(ROOT, 'supergraph.graphql') : await composedFrom(registry);
    const gateway = await startGateway(
      parseEnv(gatewayEnv, {
        NODE_ENV: common.NODE_ENV,
        GATEWAY_SIGNING_KEY: JSON.stringify(options.gatewayKey.privateJwk),
        DATABASE_URL: options.databaseUrl,
        DB_POOL_SIZE: common.DB_POOL_SIZE,
        NATS_URL: common.NATS_URL,
        HOST: '127.0.0.1',
        PORT: '0',
        SUPERGRAPH_FILE: supergraphFile,
        SUBGRAPH_URLS: Object.entries(subgraphs)
          .map(([name, service]) => `${name}=${service.url}`)
          .join(','),
        ...options.gateway,
      }) as Parameters<typeof startGateway>[0],
    );
    started.push(gateway);
    return { ...(subgraphs as Record<Known, Service>), subgraphs, gateway, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The supergraph of another registry, composed from its subgraphs' schema files. */
async function composedFrom(registry: string): Promise<string> {
  const file = join(tmpdir(), `switchyard-supergraph-${randomUUID()}.graphql`);
  await writeFile(file, await composeSupergraph(registry));
  return file;
}
