import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayEnv, startGateway } from '@switchyard/gateway';
import { parseEnv, type Service, type SigningKey } from '@switchyard/kit';
import { benchmarksEnv, startBenchmarks } from '@switchyard/benchmarks';
import { cleanupEnv, startCleanup } from '@switchyard/cleanup';
import { sensorsEnv, startSensors } from '@switchyard/sensors';
import { ingestionEnv, startIngestion } from '@switchyard/ingestion';
import { sessionsEnv, startSessions } from '@switchyard/sessions';
import { startUsers, usersEnv } from '@switchyard/users';

export const ROOT = join(__dirname, '..', '..', '..');

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
  /** Extra cleanup settings (CLEANUP_BATCH, PRICE_RETENTION_DAYS, ...). */
  cleanup?: Record<string, string>;
  nodeEnv?: 'test' | 'development' | 'production';
  /** Subgraphs that keep their data in a database of their own (events still use `databaseUrl`). */
  ownDatabases?: Partial<Record<'users' | 'sessions' | 'benchmarks' | 'sensors' | 'ingestion' | 'cleanup', string>>;
}

export interface RunningStack {
  users: Service;
  sessions: Service;
  benchmarks: Service;
  ingestion: Service;
  cleanup: Service;
  sensors: Service;
  gateway: Service;
  close(): Promise<void>;
}

/** Every subgraph and the real gateway in this process, on free ports, over one database. */
export async function startAll(options: StackOptions): Promise<RunningStack> {
  const common = {
    NODE_ENV: options.nodeEnv ?? 'test',
    DATABASE_URL: options.databaseUrl,
    EVENTS_DATABASE_URL: options.databaseUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    GATEWAY_PUBLIC_KEYS: JSON.stringify(options.gatewayKey.publicJwk),
  };
  /** A subgraph's settings: its own database when it has one. */
  const of = (name: keyof NonNullable<StackOptions['ownDatabases']>) => ({
    ...common,
    DATABASE_URL: options.ownDatabases?.[name] ?? options.databaseUrl,
  });
  const started: Service[] = [];
  const close = async () => {
    for (const service of started.splice(0).reverse()) await service.close();
  };
  try {
    const users = await startUsers(
      parseEnv(usersEnv, {
        ...of('users'),
        ADMIN_EMAIL: options.admin.email,
        ADMIN_PASSWORD: options.admin.password,
        ...options.users,
      }) as Parameters<typeof startUsers>[0],
    );
    started.push(users);
    const sessions = await startSessions(parseEnv(sessionsEnv, of('sessions')) as Parameters<typeof startSessions>[0]);
    started.push(sessions);
    const benchmarks = await startBenchmarks(
      parseEnv(benchmarksEnv, {
        ...of('benchmarks'),
        STORAGE_DIR: join(tmpdir(), `switchyard-documents-${randomUUID()}`),
        ...options.benchmarks,
      }) as Parameters<typeof startBenchmarks>[0],
    );
    started.push(benchmarks);
    const ingestion = await startIngestion(
      parseEnv(ingestionEnv, {
        ...of('ingestion'),
        COLLECT_INTERVAL: '0',
        USERS_URL: users.url,
        MAIL_FOLDER: join(tmpdir(), `switchyard-mail-${randomUUID()}`),
        MAIL_POLL_MS: '100',
        // No MQTT broker unless a test asks for one (MQTT_PORT or MQTT_URL).
        MQTT_PORT: '0',
        ...options.ingestion,
      }) as Parameters<typeof startIngestion>[0],
    );
    started.push(ingestion);
    const cleanup = await startCleanup(
      parseEnv(cleanupEnv, { ...of('cleanup'), ...options.cleanup }) as Parameters<typeof startCleanup>[0],
    );
    started.push(cleanup);
    const sensors = await startSensors(parseEnv(sensorsEnv, of('sensors')) as Parameters<typeof startSensors>[0]);
    started.push(sensors);
    const gateway = await startGateway(
      parseEnv(gatewayEnv, {
        NODE_ENV: common.NODE_ENV,
        GATEWAY_SIGNING_KEY: JSON.stringify(options.gatewayKey.privateJwk),
        DATABASE_URL: options.databaseUrl,
        HOST: '127.0.0.1',
        PORT: '0',
        SUPERGRAPH_FILE: join(ROOT, 'supergraph.graphql'),
        SUBGRAPH_URLS: `users=${users.url},sessions=${sessions.url},benchmarks=${benchmarks.url},ingestion=${ingestion.url},cleanup=${cleanup.url},sensors=${sensors.url}`,
        ...options.gateway,
      }) as Parameters<typeof startGateway>[0],
    );
    started.push(gateway);
    return { users, sessions, benchmarks, ingestion, cleanup, sensors, gateway, close };
  } catch (error) {
    await close();
    throw error;
  }
}
