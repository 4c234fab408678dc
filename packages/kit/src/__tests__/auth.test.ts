import jwt from 'jsonwebtoken';
import { Auth, authChecker, type AuthContext, requireSelfOrAdmin } from '../index.js';

const SECRET = 'a-test-secret-that-is-long-enough-to-use';

function check(context: AuthContext, rules: string[]) {
  return authChecker({ context, root: {}, args: {}, info: {} as never }, rules);
}

describe('Auth', () => {
  it('issues user tokens that verify, and refuses expired or forged ones', async () => {
    const auth = new Auth(SECRET, '15m');
    const { token, expiresAt } = auth.issueUserToken({ id: 'u1', role: 'USER', sessionVersion: 0 });
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(await auth.authenticate(`Bearer ${token}`)).toEqual({
      viewer: { kind: 'user', id: 'u1', role: 'USER', scopes: [] },
    });

    const expired = jwt.sign({ typ: 'user', role: 'USER', sub: 'u1', exp: Math.floor(Date.now() / 1000) - 1 }, SECRET);
    expect((await auth.authenticate(`Bearer ${expired}`)).authError?.message).toBe('token expired');
    const forged = new Auth('another-secret-another-secret-another', '15m').issueUserToken({
      id: 'u1',
      role: 'ADMIN',
    }).token;
    expect((await auth.authenticate(`Bearer ${forged}`)).authError?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await auth.authenticate('Basic abc')).authError?.extensions.code).toBe('UNAUTHENTICATED');
    expect(await auth.authenticate(undefined)).toEqual({ viewer: null });
  });

  it('accepts API tokens only while the check says they are active', async () => {
    const active = new Set(['t1']);
    const auth = new Auth(SECRET, '15m', { apiToken: async (id) => active.has(id) });
    const token = auth.issueApiToken('t1', ['benchmarks:write']);
    expect((await auth.authenticate(`Bearer ${token}`)).viewer).toEqual({
      kind: 'token',
      id: 't1',
      role: null,
      scopes: ['benchmarks:write'],
    });
    active.delete('t1');
    expect((await auth.authenticate(`Bearer ${token}`)).authError?.message).toMatch(/revoked/);
  });

  it('takes the current role from the user check and ends sessions it refuses', async () => {
    let current: 'USER' | 'ADMIN' | null = 'USER';
    const auth = new Auth(SECRET, '15m', { userToken: async () => current });
    const { token } = auth.issueUserToken({ id: 'u1', role: 'ADMIN', sessionVersion: 0 });
    expect((await auth.authenticate(`Bearer ${token}`)).viewer?.role).toBe('USER');
    current = null;
    expect((await auth.authenticate(`Bearer ${token}`)).authError?.message).toMatch(/session ended/);
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
