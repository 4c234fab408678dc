// The users subgraph on its own, called as the gateway would call it (@switchyard/testing's
// startAlone), with what the gateway does around a call: users confirms a token (POST
// /auth/confirm), the gateway asserts the viewer users named.
import { randomBytes } from 'node:crypto';
import { CONFIRM_PATH, type ConfirmAnswer, type Viewer } from '@switchyard/kit';
import {
  type Alone,
  aloneGatewayKey,
  GraphQLClient,
  startAlone as startSubgraphAlone,
  type Stack,
  useAlone,
  userViewer,
  viewerHeader,
} from '@switchyard/testing';
import { service } from '../index.js';

export { userViewer } from '@switchyard/testing';
export type { Alone } from '@switchyard/testing';

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
/** The key pair of the gateway these tests play (this file's). */
export const gatewayKey = aloneGatewayKey();

/** users on a free port over a fresh database (with ADMIN), trusting `gatewayKey`; the stack closes it. */
export function startAlone(stack: Stack, extra: Record<string, string> = {}): Promise<Alone> {
  return startSubgraphAlone(stack, 'users', service, {
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ...extra,
  });
}

/** users alone for the calling test file (see @switchyard/testing's useAlone), with ADMIN. */
export const useUsers = (extra: Record<string, string> = {}) =>
  useAlone('users', service, { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...extra });

/** A client that calls users at `url` as the gateway would, for `viewer` (or nobody). */
export async function asGateway(url: string, viewer: Viewer | null = null): Promise<GraphQLClient> {
  return new GraphQLClient(url).with(await viewerHeader(await gatewayKey, 'users', viewer));
}

/** users' answer on a token, as the gateway asks for it. */
export async function confirm(users: Alone, token: string): Promise<ConfirmAnswer> {
  const response = await fetch(new URL(CONFIRM_PATH, users.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  return (await response.json()) as ConfirmAnswer;
}

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id } } }';
const REGISTER = 'mutation($e: String!, $p: String!) { register(email: $e, password: $p) { token user { id } } }';
export const PASSWORD = 'correct-horse-battery';

export interface SignedIn {
  id: string;
  email: string;
  token: string;
  viewer: Viewer;
}

let counter = 0;
/** Registers a new user (a request without a caller, as the gateway forwards it). */
export async function newUser(users: Alone, prefix = 'user'): Promise<SignedIn> {
  const email = `${prefix}${++counter}-${randomBytes(3).toString('hex')}@example.com`;
  const { register } = await (await users.as()).data(REGISTER, { e: email, p: PASSWORD });
  return { id: register.user.id, email, token: register.token, viewer: userViewer(register.user.id) };
}

/** Signs the admin in; the viewer is what the gateway would assert for its token. */
export async function signInAdmin(users: Alone): Promise<SignedIn> {
  const { login } = await (await users.as()).data(LOGIN, { e: ADMIN.email, p: ADMIN.password });
  return { id: login.user.id, email: ADMIN.email, token: login.token, viewer: userViewer(login.user.id, 'ADMIN') };
}
