import { createHash, randomUUID } from 'node:crypto';
import { extraGateway, newUser, useStack } from './stack.js';

const run = useStack();

const CREATE = 'mutation($i: SessionInput!) { createSession(input: $i) { id durationSec } }';
const session = (durationSec: number) => ({
  i: { activity: 'RUN', startedAt: '2026-03-01T07:00:00.000Z', durationSec },
});

/** A mutation (by default CREATE, or any body) through a gateway with an Idempotency-Key. */
async function send(url: string, token: string, key: string, variables = session(1800), body?: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
    body: JSON.stringify(body ?? { query: CREATE, variables }),
  });
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed'),
    body: await response.json(),
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

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

  it('recognises a retry of a persisted query sent by its hash alone, and refuses keyed batches', async () => {
    const user = await newUser(run.client);
    const key = randomUUID();
    const persisted = { version: 1, sha256Hash: sha256(CREATE) };
    const first = await send(run.gateway.url, user.token, key, undefined, {
      query: CREATE,
      variables: session(1800),
      extensions: { persistedQuery: persisted },
    });
    expect(first.status).toBe(200);
    const retry = await send(run.gateway.url, user.token, key, undefined, {
      variables: session(1800),
      extensions: { persistedQuery: persisted },
    });
    expect(retry).toEqual({ status: 200, replayed: 'true', body: first.body });

    // Another persisted mutation with the same variables and key is another request.
    const other = 'mutation($i: SessionInput!) { createSession(input: $i) { id } }';
    const reused = await send(run.gateway.url, user.token, key, undefined, {
      query: other,
      variables: session(1800),
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(other) } },
    });
    expect(reused.status).toBe(422);

    const batch = await send(run.gateway.url, user.token, randomUUID(), undefined, [
      { query: CREATE, variables: session(1) },
      { query: CREATE, variables: session(2) },
    ]);
    expect(batch.status).toBe(400);
    expect(batch.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(await sessionsOf(user.id)).toBe(1);
  });

  it('keeps responses sealed, answers even when the key cannot be settled, and reuses expired keys', async () => {
    const user = await newUser(run.client);
    const key = randomUUID();
    const login = await send(run.gateway.url, user.token, key, undefined, {
      query: 'mutation($e: String!) { login(email: $e, password: "correct-horse-battery") { token } }',
      variables: { e: user.email },
    });
    const token = login.body.data.login.token as string;
    const stored = await run.sql.query('select response::text as r from gateway.idempotency_keys where key = $1', [
      key,
    ]);
    expect(stored.rows[0].r).not.toContain(token);
    expect(stored.rows[0].r).not.toContain(user.email);

    // The database refuses to store the response: the caller still gets it, duplicates get 409.
    const stuck = randomUUID();
    const gateway = await extraGateway(run.stack, run, { IDEMPOTENCY_WAIT_SEC: '1' });
    await run.sql.query(`create function gateway.refuse() returns trigger language plpgsql as
      $$ begin raise exception 'disk full'; end $$`);
    await run.sql.query(
      'create trigger refuse before update on gateway.idempotency_keys for each row execute function gateway.refuse()',
    );
    try {
      const answered = await send(gateway.url, user.token, stuck);
      expect(answered.status).toBe(200);
      expect(answered.body.data.createSession.durationSec).toBe(1800);
    } finally {
      await run.sql.query('drop trigger refuse on gateway.idempotency_keys; drop function gateway.refuse()');
    }
    expect((await send(gateway.url, user.token, stuck)).status).toBe(409);
    expect(await sessionsOf(user.id)).toBe(1);

    // Past its expiry a key is new again, whatever the cleanup worker has not yet removed.
    await run.sql.query("update gateway.idempotency_keys set expires_at = now() - interval '1 second' where key = $1", [
      stuck,
    ]);
    const again = await send(gateway.url, user.token, stuck);
    expect(again.replayed).toBeNull();
    expect(await sessionsOf(user.id)).toBe(2);
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
