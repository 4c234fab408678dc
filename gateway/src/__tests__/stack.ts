import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseEnv, type Service } from '@switchyard/kit';
import { freshDatabase, GraphQLClient, type Stack } from '@switchyard/testing';
import { sessionsEnv, startSessions } from '@switchyard/sessions';
import { startUsers, usersEnv } from '@switchyard/users';
import { gatewayEnv, startGateway } from '../index.js';

export const ROOT = join(__dirname, '..', '..', '..');
export const ADMIN = { email: 'admin@test.local', password: 'admin-password-1' };

export interface Running {
  db: string;
  secret: string;
  users: Service;
  sessions: Service;
  gateway: Service;
  client: GraphQLClient;
}

/** Every subgraph and the real gateway on free ports, over a fresh database. */
export async function startStack(stack: Stack, gatewayOverrides: Record<string, string> = {}): Promise<Running> {
  const db = await freshDatabase();
  const secret = randomBytes(32).toString('hex');
  const common = { NODE_ENV: 'test', DATABASE_URL: db, HOST: '127.0.0.1', PORT: '0', JWT_SECRET: secret };
  const users = await stack.add(
    startUsers(
      parseEnv(usersEnv, {
        ...common,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
      }) as Parameters<typeof startUsers>[0],
    ),
  );
  const sessions = await stack.add(startSessions(parseEnv(sessionsEnv, common) as Parameters<typeof startSessions>[0]));
  const gateway = await stack.add(
    startGateway(
      parseEnv(gatewayEnv, {
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        SUPERGRAPH_FILE: join(ROOT, 'supergraph.graphql'),
        SUBGRAPH_URLS: `users=${users.url},sessions=${sessions.url}`,
        ...gatewayOverrides,
      }),
    ),
  );
  return { db, secret, users, sessions, gateway, client: new GraphQLClient(gateway.url) };
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
