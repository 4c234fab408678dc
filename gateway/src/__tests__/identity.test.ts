import { createServer } from 'node:http';
import { generateSigningKey, type Viewer } from '@switchyard/kit';
import { codes, freePort, freshDatabase, GraphQLClient, viewerHeader } from '@switchyard/testing';
import { extraGateway, loginAdmin, newUser, subgraphUrls, useStack } from './stack.js';

const run = useStack();

const SESSIONS = '{ sessions(first: 1) { nodes { id } } }';
const SITES = '{ sites { nodes { code } } }';

describe('who is calling, as subgraphs learn it', () => {
  it('refuses a subgraph called directly: without, with a forged, or with a stale assertion', async () => {
    const user = await newUser(run.client, 'direct');
    const viewer: Viewer = { kind: 'user', id: user.id, role: 'USER', scopes: [] };
    const sessions = new GraphQLClient(run.sessions.url);
    // The caller's own token is no way in: only the gateway's word is.
    expect((await sessions.as(user.token).request(SESSIONS)).status).toBe(401);
    const stranger = await generateSigningKey();
    expect((await sessions.with(await viewerHeader(stranger, 'sessions', viewer)).request(SESSIONS)).status).toBe(401);

    const asserted = sessions.with(await viewerHeader(run.gatewayKey, 'sessions', viewer));
    expect((await asserted.data(SESSIONS)).sessions.nodes).toEqual([]);
    await run.client
      .as(user.token)
      .data(
        'mutation { changePassword(currentPassword: "correct-horse-battery", newPassword: "another-long-one") { token } }',
      );
    // Made before the password change: refused, though well within its minute.
    const stale = await asserted.request(SESSIONS);
    expect(stale.status).toBe(401);
    expect(stale.errors?.[0]?.message).toMatch(/made before the session changed/);
    // Through the gateway, the old token is refused and the caller is told so.
    expect(codes(await run.client.as(user.token).request(SESSIONS))).toEqual(['UNAUTHENTICATED']);
  });

  it('ends a session at once through the gateway that changed it, before any event could arrive', async () => {
    // This gateway hears no events (another database) and trusts a confirmed token for an hour.
    const deaf = await extraGateway(run.stack, run, {
      EVENTS_DATABASE_URL: await freshDatabase('deaf'),
      AUTH_CACHE_SEC: '3600',
    });
    const user = await newUser(deaf.client, 'deaf');
    const old = deaf.client.as(user.token);
    expect((await old.data('{ me { id } }')).me.id).toBe(user.id);
    await old.data(
      'mutation { changePassword(currentPassword: "correct-horse-battery", newPassword: "another-long-one") { token } }',
    );
    // users named the change in its answer; the gateway forgot the token before passing it on.
    const refused = await old.request('{ me { id } }');
    expect(codes(refused)).toEqual(['UNAUTHENTICATED']);
    expect(refused.errors?.[0]?.message).toBe('session ended, sign in again');
    expect(refused.extensions?.identityChanged).toBeUndefined();
  });

  it('confirms a caller again when a subgraph heard of their change before this gateway did', async () => {
    const deaf = await extraGateway(run.stack, run, {
      EVENTS_DATABASE_URL: await freshDatabase('deaf'),
      AUTH_CACHE_SEC: '3600',
    });
    const admin = run.client.as(await loginAdmin(run.client));
    const user = await newUser(run.client, 'promoted');
    const PROMOTE = 'mutation($id: ID!, $r: Role) { updateUser(id: $id, input: { role: $r }) { role } }';
    await admin.data(PROMOTE, { id: user.id, r: 'ADMIN' });
    const viaDeaf = deaf.client.as(user.token);
    expect((await viaDeaf.data('{ users(first: 1) { nodes { id } } }')).users.nodes).toHaveLength(1);
    // Demoted through the other gateway: this one still holds them as ADMIN, users refuses that
    // assertion as stale, and this gateway asks users who they are now.
    await admin.data(PROMOTE, { id: user.id, r: 'USER' });
    expect(codes(await viaDeaf.request('{ users(first: 1) { nodes { id } } }'))).toEqual(['FORBIDDEN']);
    await run.client
      .as(user.token)
      .data(
        'mutation { changePassword(currentPassword: "correct-horse-battery", newPassword: "another-long-one") { token } }',
      );
    const ended = await viaDeaf.request('{ me { id } }');
    expect(codes(ended)).toEqual(['UNAUTHENTICATED']);
    expect(ended.errors?.[0]?.message).toBe('session ended, sign in again');
  });

  it('ends an API token at every subgraph the moment it is revoked', async () => {
    const admin = run.client.as(await loginAdmin(run.client));
    const { createApiToken } = await admin.data(
      'mutation { createApiToken(name: "feed", scopes: ["sensors:read"]) { token apiToken { id } } }',
    );
    const machine = run.client.as(createApiToken.token);
    expect((await machine.data(SITES)).sites.nodes).toEqual([]);
    const viewer: Viewer = { kind: 'token', id: createApiToken.apiToken.id, role: null, scopes: ['sensors:read'] };
    const sensors = new GraphQLClient(run.sensors.url).with(await viewerHeader(run.gatewayKey, 'sensors', viewer));
    expect((await sensors.data(SITES)).sites.nodes).toEqual([]);

    await admin.data('mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }', {
      id: createApiToken.apiToken.id,
    });
    expect(codes(await machine.request(SITES))).toEqual(['UNAUTHENTICATED']);
    expect((await sensors.request(SITES)).status).toBe(401);
  });

  it('answers UNAVAILABLE where a caller is needed while users cannot be asked, and serves the rest', async () => {
    const user = await newUser(run.client, 'cut-off');
    const cutOff = await extraGateway(run.stack, run, { USERS_URL: `http://127.0.0.1:${await freePort()}` });
    const answer = await cutOff.client.as(user.token).request('{ me { id } }');
    expect(answer.errors).toEqual([
      expect.objectContaining({
        message: 'the identity service is unavailable; try again',
        extensions: expect.objectContaining({ code: 'UNAVAILABLE' }),
      }),
    ]);
    expect((await cutOff.client.as(user.token).data('{ __typename }')).__typename).toBe('Query');
  });

  it("sends subgraphs the gateway's assertion, never the caller's token", async () => {
    const user = await newUser(run.client, 'relay');
    const seen: Array<Record<string, string | string[] | undefined>> = [];
    const spy = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":null}');
    });
    await new Promise<void>((resolve) => spy.listen(0, '127.0.0.1', resolve));
    try {
      // A gateway whose sessions subgraph is a spy that records what it is sent.
      const port = (spy.address() as { port: number }).port;
      const spied = await extraGateway(run.stack, run, {
        SUBGRAPH_URLS: subgraphUrls(run, { sessions: `http://127.0.0.1:${port}/graphql` }),
      });
      await spied.client.as(user.token).request(SESSIONS);
      expect(seen.length).toBeGreaterThan(0);
      for (const headers of seen) {
        expect(headers.authorization).toBeUndefined();
        expect(typeof headers['x-switchyard-viewer']).toBe('string');
      }
    } finally {
      spy.close();
    }
  });
});
