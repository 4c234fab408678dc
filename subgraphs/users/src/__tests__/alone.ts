// The users subgraph on its own, called as the gateway would call it.
import { generateSigningKey, parseEnv, type Viewer } from '@switchyard/kit';
import { freshDatabase, GraphQLClient, type Stack, viewerHeader } from '@switchyard/testing';
import { usersEnv } from '../env.js';
import { startUsers } from '../service.js';

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
/** The key pair of the gateway these tests play. */
export const gatewayKey = generateSigningKey();

/** users on a free port over a fresh database, trusting `gatewayKey`; the stack closes it. */
export async function startAlone(stack: Stack, extra: Record<string, string> = {}) {
  const env = parseEnv(usersEnv, {
    NODE_ENV: 'test',
    DATABASE_URL: await freshDatabase(),
    HOST: '127.0.0.1',
    PORT: '0',
    GATEWAY_PUBLIC_KEYS: JSON.stringify((await gatewayKey).publicJwk),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ...extra,
  });
  return stack.add(startUsers(env as Parameters<typeof startUsers>[0]));
}

/** A client that calls users as the gateway would, for `viewer` (or nobody). */
export async function asGateway(url: string, viewer: Viewer | null = null): Promise<GraphQLClient> {
  return new GraphQLClient(url).with(await viewerHeader(await gatewayKey, 'users', viewer));
}
