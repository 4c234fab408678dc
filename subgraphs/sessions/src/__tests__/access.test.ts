// Whose sessions a viewer may read and write, against the sessions subgraph alone.
import { codes } from '@switchyard/testing';
import { useSessions } from './alone.js';
import { IMPORT, importRows, makeRows, userFields, userQuery, userRef } from './rows.js';

const sessions = useSessions();

it("keeps users out of each other's sessions and stats; admins see everyone's", async () => {
  const owner = await sessions.newUser();
  const { client: other } = await sessions.newUser();
  await importRows(owner.client, makeRows(3, 3));
  const [one] = await sessions.storedOf(owner.id);

  expect(
    codes(await other.request('query($u: ID!) { sessions(filter: { userId: $u }) { nodes { id } } }', { u: owner.id })),
  ).toEqual(['FORBIDDEN']);
  // Someone else's session looks like a missing one: ids reveal nothing.
  const peek = await other.request('query($id: ID!) { session(id: $id) { id } }', { id: one!.id });
  expect(peek.data).toEqual({ session: null });
  expect(peek.errors).toBeUndefined();
  expect(codes(await other.request('mutation($id: ID!) { deleteSession(id: $id) }', { id: one!.id }))).toEqual([
    'NOT_FOUND',
  ]);
  expect((await other.request('{ session(id: "not-a-uuid") { id } }')).data).toEqual({ session: null });
  // The owner's User, as the gateway resolves `user(id) { stats }` and `user(id) { sessions }`.
  for (const field of ['stats { count }', 'sessions { nodes { id } }']) {
    const denied = await other.request(userQuery(field), userRef(owner.id));
    expect(codes(denied)).toEqual(['FORBIDDEN']);
    expect(denied.data).toEqual({ _entities: [{ [field.split(' ')[0]!]: null }] });
  }
  const smuggled = await other.request(IMPORT, { rows: [{ ...makeRows(1, 9)[0], userId: owner.id }] });
  expect(codes(smuggled)).toEqual(['FORBIDDEN']);
  expect(await sessions.storedOf(owner.id)).toHaveLength(3);
  // Without a filter, a user sees only their own.
  expect((await other.data('{ sessions { nodes { id } } }')).sessions.nodes).toEqual([]);

  const { client: admin } = await sessions.newUser('ADMIN');
  const seen = await userFields(admin, owner.id, 'sessions { nodes { id } } stats { count }');
  expect(seen.stats.count).toBe(3);
  expect(seen.sessions.nodes).toHaveLength(3);
  await admin.data('mutation($i: SessionInput!) { createSession(input: $i) { id } }', {
    i: { userId: owner.id, activity: 'SWIM', startedAt: new Date().toISOString(), durationSec: 900 },
  });
  expect((await admin.data('mutation($id: ID!) { deleteSession(id: $id) }', { id: one!.id })).deleteSession).toBe(true);
  expect(await sessions.storedOf(owner.id)).toHaveLength(3);
});
