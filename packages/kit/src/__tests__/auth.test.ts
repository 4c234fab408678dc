import {
  AssertionSigner,
  AssertionVerifier,
  authChecker,
  type AuthContext,
  generateSigningKey,
  requireSelfOrAdmin,
  UnauthenticatedError,
  type Viewer,
} from '../index.js';
import { importJWK, SignJWT } from 'jose';

function check(context: AuthContext, rules: string[]) {
  return authChecker({ context, root: {}, args: {}, info: {} as never }, rules);
}

describe('viewer assertions', () => {
  const viewer: Viewer = { kind: 'user', id: '4a1d7c2e-0c1b-4d57-9d0e-7a1f2b3c4d5e', role: 'ADMIN', scopes: [] };

  it('carry the viewer (or why their token was refused) to the subgraph they were made for only', async () => {
    const key = await generateSigningKey();
    const signer = new AssertionSigner(key.privateJwk);
    const sessions = new AssertionVerifier({ keys: [key.publicJwk] }, 'sessions');
    expect(await sessions.verify(await signer.sign({ viewer }, 'sessions'))).toEqual({ viewer });
    const refused = await sessions.verify(
      await signer.sign({ viewer: null, authError: new UnauthenticatedError('token expired') }, 'sessions'),
    );
    expect(refused.viewer).toBeNull();
    expect(refused.authError).toMatchObject({ message: 'token expired', extensions: { code: 'UNAUTHENTICATED' } });
    // Made for users: no good at sessions.
    await expect(sessions.verify(await signer.sign({ viewer }, 'users'))).rejects.toThrow(
      'requests must come through the gateway (invalid or expired viewer assertion)',
    );
    await expect(sessions.verify(undefined)).rejects.toThrow(
      'requests must come through the gateway (no viewer assertion)',
    );
  });

  it('refuse another key, an expired assertion, and one made before the session changed', async () => {
    const key = await generateSigningKey();
    const verifier = new AssertionVerifier({ keys: [key.publicJwk] }, 'sessions');
    const stranger = await generateSigningKey();
    const forged = await new AssertionSigner({ ...stranger.privateJwk, kid: key.kid }).sign({ viewer }, 'sessions');
    await expect(verifier.verify(forged)).rejects.toThrow('invalid or expired');

    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ viewer, at: Date.now() - 120_000 })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .setIssuer('switchyard-gateway')
      .setAudience('sessions')
      .setIssuedAt(now - 120)
      .setExpirationTime(now - 60)
      .sign(await importJWK(key.privateJwk, 'EdDSA'));
    await expect(verifier.verify(expired)).rejects.toThrow('invalid or expired');

    let clock = Date.now();
    const signer = new AssertionSigner(key.privateJwk, () => clock);
    const before = await signer.sign({ viewer }, 'sessions');
    expect((await verifier.verify(before)).viewer).toEqual(viewer);
    verifier.invalidate(viewer.id, clock);
    clock += 1;
    await expect(verifier.verify(before)).rejects.toThrow('made before the session changed');
    // The gateway forgets its assertions on the same event, and signs a new one.
    signer.forget();
    expect((await verifier.verify(await signer.sign({ viewer }, 'sessions'))).viewer).toEqual(viewer);
  });
});

describe('authChecker', () => {
  const user: AuthContext = { viewer: { kind: 'user', id: 'u1', role: 'USER', scopes: [] } };
  const admin: AuthContext = { viewer: { kind: 'user', id: 'a1', role: 'ADMIN', scopes: [] } };
  const machine: AuthContext = { viewer: { kind: 'token', id: 't1', role: null, scopes: ['benchmarks:write'] } };

  it('needs a viewer, then a matching role or scope; admins pass every rule', () => {
    expect(() => check({ viewer: null }, [])).toThrow(
      expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } }),
    );
    expect(check(user, [])).toBe(true);
    expect(() => check(user, ['ADMIN'])).toThrow(expect.objectContaining({ extensions: { code: 'FORBIDDEN' } }));
    expect(check(admin, ['ADMIN'])).toBe(true);
    expect(check(machine, ['scope:benchmarks:write'])).toBe(true);
    expect(() => check(machine, ['scope:sensors:write'])).toThrow(
      expect.objectContaining({ extensions: { code: 'FORBIDDEN' } }),
    );
    expect(check(admin, ['scope:sensors:write'])).toBe(true);
  });

  it("lets users reach their own data and admins anyone's", () => {
    expect(requireSelfOrAdmin(user, 'u1').id).toBe('u1');
    expect(() => requireSelfOrAdmin(user, 'u2')).toThrow(
      expect.objectContaining({ extensions: { code: 'FORBIDDEN' } }),
    );
    expect(requireSelfOrAdmin(admin, 'u2').id).toBe('a1');
    expect(() => requireSelfOrAdmin(machine, 'u1')).toThrow(
      expect.objectContaining({ extensions: { code: 'FORBIDDEN' } }),
    );
  });
});
