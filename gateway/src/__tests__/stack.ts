import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { gatewayEnv, startGateway } from '@switchyard/gateway';
import { generateSigningKey, parseEnv, type SigningKey } from '@switchyard/kit';
import { ROOT, type RunningStack, type StackOptions, startAll } from '@switchyard/stack';
import type { Logger, Service } from '@switchyard/kit';
import type pg from 'pg';
import { freshDatabase, GraphQLClient, metricOf as metricAt, sqlClient, Stack } from '@switchyard/testing';

export { ROOT } from '@switchyard/stack';
export const ADMIN = { email: 'admin@test.local', password: 'admin-password-1' };

export interface Running extends RunningStack {
  db: string;
  /** The gateway's key pair, to sign assertions as it would (or not quite) in tests. */
  gatewayKey: SigningKey;
  client: GraphQLClient;
}

/** Every subgraph and the real gateway on free ports, over a fresh database. */
export async function startStack(
  stack: Stack,
  overrides: Pick<
    StackOptions,
    'gateway' | 'users' | 'benchmarks' | 'ingestion' | 'cleanup' | 'ownDatabases' | 'natsUrl'
  > = {},
): Promise<Running> {
  const db = await freshDatabase();
  const gatewayKey = await generateSigningKey();
  const running = await stack.add(
    startAll({
      databaseUrl: db,
      gatewayKey,
      admin: ADMIN,
      ...overrides,
    }),
  );
  return { ...running, db, gatewayKey, client: new GraphQLClient(running.gateway.url) };
}

/** Switchyard's gateway on a free port with these settings; the stack closes it. */
export async function testGateway(
  stack: Stack,
  settings: Record<string, string>,
  logger?: Logger,
): Promise<Service & { client: GraphQLClient }> {
  const gateway = await stack.add(
    startGateway(
      parseEnv(gatewayEnv, { NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', ...settings }) as Parameters<
        typeof startGateway
      >[0],
      logger,
    ),
  );
  return Object.assign(gateway, { client: new GraphQLClient(gateway.url) });
}

/** SUBGRAPH_URLS for the running stack's subgraphs, some of them replaced (`{ sessions: url }`). */
export function subgraphUrls(run: Running, replaced: Record<string, string> = {}): string {
  return Object.entries(run.subgraphs)
    .map(([name, service]) => `${name}=${replaced[name] ?? service.url}`)
    .join(',');
}

/**
 * Another gateway over the running stack's subgraphs (or others, by SUBGRAPH_URLS), with its
 * own settings; the stack closes it.
 */
export function extraGateway(
  stack: Stack,
  run: Running,
  overrides: Record<string, string> = {},
  logger?: Logger,
): Promise<Service & { client: GraphQLClient }> {
  return testGateway(
    stack,
    {
      GATEWAY_SIGNING_KEY: JSON.stringify(run.gatewayKey.privateJwk),
      DATABASE_URL: run.db,
      SUPERGRAPH_FILE: join(ROOT, 'supergraph.graphql'),
      SUBGRAPH_URLS: subgraphUrls(run),
      // Idempotency keys only: a few connections, so tests with several gateways stay well within
      // the shared server's max_connections.
      DB_POOL_SIZE: '2',
      ...overrides,
    },
    logger,
  );
}

let counter = 0;
/** Registers a new user through the client and returns their id and token. */
export async function newUser(
  client: GraphQLClient,
  prefix = 'user',
): Promise<{ id: string; token: string; email: string }> {
  const email = `${prefix}${++counter}-${randomBytes(3).toString('hex')}@example.com`;
  const { register } = await client.data<{ register: { token: string; user: { id: string } } }>(
    'mutation($e: String!, $p: String!) { register(email: $e, password: $p) { token user { id } } }',
    { e: email, p: 'correct-horse-battery' },
  );
  return { id: register.user.id, token: register.token, email };
}

export async function loginAdmin(client: GraphQLClient): Promise<string> {
  const { login } = await client.data<{ login: { token: string } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
    { e: ADMIN.email, p: ADMIN.password },
  );
  return login.token;
}

/**
 * For a test file: the whole stack over a fresh database, started before its tests and closed
 * after them, with a plain SQL client for independent checks and the Stack that closes it (for
 * extra services). Fields are filled in beforeAll.
 */
export function useStack(overrides: Parameters<typeof startStack>[1] = {}): Running & { sql: pg.Client; stack: Stack } {
  const stack = new Stack();
  const running = { stack } as Running & { sql: pg.Client; stack: Stack };
  beforeAll(async () => {
    Object.assign(running, await startStack(stack, overrides));
    running.sql = await sqlClient(running.db);
  });
  afterAll(async () => {
    await running.sql?.end();
    await stack.close();
  });
  return running;
}

/** A metric without labels, as the service's /metrics shows it now. */
export const metricOf = (service: Service, name: string, labels?: Record<string, string>) =>
  metricAt(service.url, name, labels);

/** How many SQL statements a service has sent so far (db_queries_total on its /metrics). */
export const statementsSoFar = (service: Service) => metricOf(service, 'db_queries_total');
