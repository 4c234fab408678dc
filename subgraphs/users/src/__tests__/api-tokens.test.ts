// API tokens: issued by an admin, confirmed until revoked, stored only as their hash.
import { codes, type AloneInFile } from '@switchyard/testing';
import type { Viewer } from '@switchyard/kit';
import { type Alone, useUsers, confirm, signInAdmin } from './alone.js';

const running = useUsers();
let users: Alone;
let sql: AloneInFile['sql'];
beforeAll(() => ({ alone: users, sql } = running));

describe('API tokens', () => {
  it('issues API tokens that work until revoked, and stores only their hash', async () => {
    const admin = await users.as((await signInAdmin(users)).viewer);
    const { createApiToken } = await admin.data(
      'mutation { createApiToken(name: "bench rig", scopes: ["benchmarks:write"]) { token apiToken { id name scopes revokedAt } } }',
    );
    expect(createApiToken.apiToken).toMatchObject({ name: 'bench rig', scopes: ['benchmarks:write'], revokedAt: null });
    // The gateway confirms the token and asserts the machine users named.
    const viewer: Viewer = { kind: 'token', id: createApiToken.apiToken.id, role: null, scopes: ['benchmarks:write'] };
    expect(await confirm(users, createApiToken.token)).toEqual({ viewer });
    const machine = await users.as(viewer);
    expect((await machine.request('{ ticker(symbol: "NONE") { symbol } }')).errors).toBeUndefined();
    // A machine token is not a user.
    expect(codes(await machine.request('{ me { id } }'))).toEqual(['FORBIDDEN']);

    const stored = await sql.query('select token_hash from users.api_tokens where id = $1', [
      createApiToken.apiToken.id,
    ]);
    expect(stored.rows[0].token_hash).not.toContain(createApiToken.token);
    expect(stored.rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);

    const { revokeApiToken } = await admin.data('mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }', {
      id: createApiToken.apiToken.id,
    });
    expect(revokeApiToken.revokedAt).not.toBeNull();
    expect(await confirm(users, createApiToken.token)).toEqual({ refused: 'API token revoked or unknown' });
    // What was asserted for it before is refused at once.
    const revoked = await machine.request('{ ticker(symbol: "NONE") { symbol } }');
    expect(codes(revoked)).toEqual(['UNAUTHENTICATED']);
    expect(revoked.errors?.[0]?.message).toMatch(/made before the session changed/);
  });
});
