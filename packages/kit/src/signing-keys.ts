// Ed25519 signing keys as JSON Web Keys: the users service signs tokens with its own, the gateway
// signs viewer assertions with its own; whoever verifies holds public keys only.
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose';

export const SIGNING_ALGORITHM = 'EdDSA';

export interface SigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** A new Ed25519 key pair; its `kid` is the public key's thumbprint (RFC 7638). */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const meta = { kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  return { kid, privateJwk: { ...(await exportJWK(privateKey)), ...meta }, publicJwk: { ...publicJwk, ...meta } };
}

/** The public half of a private JWK (an Ed25519 JWK's `d` is its only private member). */
export function publicHalf(jwk: JWK): JWK {
  const { d: _private, ...rest } = jwk;
  return rest;
}

/** A private JWK from configuration (JSON), with a clear error for anything else. */
export function parsePrivateJwk(text: string, name: string): JWK {
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw new Error(`${name} must be a JSON Web Key (JSON)`);
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.d || !jwk.x || !jwk.kid) {
    throw new Error(`${name} must be a private Ed25519 JSON Web Key with a kid (npm run keys prints one)`);
  }
  return { ...jwk, alg: SIGNING_ALGORITHM };
}

/** Public keys from configuration: a JWKS (`{"keys": [...]}`) or a single JWK, as JSON. */
export function parsePublicKeys(text: string, name: string): JSONWebKeySet {
  let parsed: JWK | JSONWebKeySet;
  try {
    parsed = JSON.parse(text) as JWK | JSONWebKeySet;
  } catch {
    throw new Error(`${name} must be a JSON Web Key Set (JSON)`);
  }
  const keys = 'keys' in parsed && Array.isArray(parsed.keys) ? parsed.keys : [parsed as JWK];
  if (keys.length === 0 || keys.some((key) => key.kty !== 'OKP' || !key.x || !key.kid || key.d)) {
    throw new Error(`${name} must hold public Ed25519 keys with a kid (and no private part)`);
  }
  return { keys };
}

interface GatewayKeyEnv {
  NODE_ENV: string;
  DATA_DIR: string;
  GATEWAY_SIGNING_KEY?: string;
  GATEWAY_PUBLIC_KEYS?: string;
}

/**
 * The gateway's private key: GATEWAY_SIGNING_KEY, required in production; in development one is
 * made once under DATA_DIR, so a local stack (and every restart) agrees on it.
 */
export async function gatewaySigningKey(env: GatewayKeyEnv): Promise<JWK> {
  if (env.GATEWAY_SIGNING_KEY) return parsePrivateJwk(env.GATEWAY_SIGNING_KEY, 'GATEWAY_SIGNING_KEY');
  if (env.NODE_ENV === 'production') throw new Error('GATEWAY_SIGNING_KEY is required in production');
  return (await developmentKey(env.DATA_DIR)).privateJwk;
}

/**
 * The keys a subgraph accepts viewer assertions from: GATEWAY_PUBLIC_KEYS, required in
 * production (list the old and the new key while rotating); in development, the local gateway's.
 */
export async function gatewayPublicKeys(env: GatewayKeyEnv): Promise<JSONWebKeySet> {
  if (env.GATEWAY_PUBLIC_KEYS) return parsePublicKeys(env.GATEWAY_PUBLIC_KEYS, 'GATEWAY_PUBLIC_KEYS');
  if (env.NODE_ENV === 'production') throw new Error('GATEWAY_PUBLIC_KEYS is required in production');
  return { keys: [(await developmentKey(env.DATA_DIR)).publicJwk] };
}

async function developmentKey(dataDir: string): Promise<SigningKey> {
  const file = join(dataDir, 'gateway-signing-key.json');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    // Written whole, then linked into place: a service starting beside us never reads half a key.
    const draft = `${file}.${process.pid}`;
    writeFileSync(draft, JSON.stringify((await generateSigningKey()).privateJwk), { mode: 0o600 });
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  const privateJwk = parsePrivateJwk(readFileSync(file, 'utf8'), file);
  return { kid: privateJwk.kid!, privateJwk, publicJwk: publicHalf(privateJwk) };
}
