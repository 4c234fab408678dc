import { randomUUID } from 'node:crypto';
import { extraGateway, newUser, useStack } from './stack.js';

const run = useStack();

const CREATE = 'mutation($i: SessionInput!) { createSession(input: $i) { id durationSec } }';
const session = (durationSec: number) => ({
  i: { activity: 'RUN', startedAt: '2026-03-01T07:00:00.000Z', durationSec },
});

/** A mutation through a gateway with an Idempotency-Key. */
async function send(url: string, token: string, key: string, variables = session(1800)) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
    body: JSON.stringify({ query: CREATE, variables }),
  });
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed'),
    body: await response.json(),
  };
}

const sessionsOf = async (userId: string) =>
  (await run.sql.query('select count(*)::int as n from sessions.sessions where user_id = $1', [userId])).rows[0].n;

describe('Idempotency-Key', () => {
  it('runs a mutation once per key: a retry gets the stored response, even from another gateway', async () => {
    const user = await newUser(run.client);
    const key = randomUUID();
    const first = await send(run.gateway.url, user.token, key);
    expect(first.status).toBe(200);
    expect(first.replayed).toBeNull();
    const retry = await send(run.gateway.url, user.token, key);
    expect(retry).toEqual({ status: 200, replayed: 'true', body: first.body });

    // Another replica (or this one after a restart) knows the key: it lives in PostgreSQL.
    const replica = await extraGateway(run.stack, run);
    expect((await send(replica.url, user.token, key)).body).toEqual(first.body);
    expect(await sessionsOf(user.id)).toBe(1);

    // Without a key, or with a new one, the mutation runs again.
    await send(run.gateway.url, user.token, randomUUID());
    await run.client.as(user.token).data(CREATE, session(1800));
    expect(await sessionsOf(user.id)).toBe(3);
  });

  it('lets concurrent duplicates wait for the first and get its response', async () => {
    const user = await newUser(run.client);
    const key = randomUUID();
    const answers = await Promise.all([...Array(6)].map(() => send(run.gateway.url, user.token, key)));
    const ids = new Set(answers.map((a) => a.body.data.createSession.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.replayed === null)).toHaveLength(1);
    expect(await sessionsOf(user.id)).toBe(1);
  });

  it('refuses a key reused with another request, and keeps keys per caller', async () => {
    const alice = await newUser(run.client, 'alice');
    const bob = await newUser(run.client, 'bob');
    const key = randomUUID();
    await send(run.gateway.url, alice.token, key, session(1800));
    const reused = await send(run.gateway.url, alice.token, key, session(999));
    expect(reused.status).toBe(422);
    expect(reused.body.errors[0].extensions.code).toBe('CONFLICT');
    expect(await sessionsOf(alice.id)).toBe(1);

    // The same key from someone else is theirs.
    const bobs = await send(run.gateway.url, bob.token, key, session(999));
    expect(bobs.body.data.createSession.durationSec).toBe(999);
    expect(await sessionsOf(bob.id)).toBe(1);

    const bad = await send(run.gateway.url, bob.token, 'with spaces');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses, rather than repeats, a request whose first attempt never finished', async () => {
    const user = await newUser(run.client);
    const key = randomUUID();
    const gateway = await extraGateway(run.stack, run, { IDEMPOTENCY_WAIT_SEC: '1' });
    // As a gateway that died mid-request leaves it: claimed, never done.
    const first = await send(gateway.url, user.token, key);
    await run.sql.query(
      "update gateway.idempotency_keys set status = 'RUNNING', response = null where caller = $1 and key = $2",
      [`user:${user.id}`, key],
    );
    const duplicate = await send(gateway.url, user.token, key);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.errors[0]).toMatchObject({
      message: expect.stringMatching(/outcome is unknown/),
      extensions: { code: 'CONFLICT' },
    });
    expect(first.status).toBe(200);
    expect(await sessionsOf(user.id)).toBe(1);
  });

  it('stores refusals the mutation gave, but frees the key when it could not run', async () => {
    const user = await newUser(run.client);
    const refusedKey = randomUUID();
    const refused = await send(run.gateway.url, user.token, refusedKey, session(-5));
    expect(refused.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await send(run.gateway.url, user.token, refusedKey, session(-5))).replayed).toBe('true');

    await run.sessions.close();
    const downKey = randomUUID();
    const down = await send(run.gateway.url, user.token, downKey);
    expect(down.body.data).toBeNull();
    const kept = await run.sql.query('select 1 from gateway.idempotency_keys where key = $1', [downKey]);
    expect(kept.rowCount).toBe(0);
  });
});
