// What sessions does with other services: federation with users, users' deletion events, and
// batching across both. The sessions subgraph's own rules are tested beside it
// (subgraphs/sessions/src/__tests__), with sessions alone.
import { expectStatsToMatch, FIELDS, importRows, makeRows, STATS, storedIn } from '@switchyard/sessions/__tests__/rows';
import { waitFor } from '@switchyard/testing';
import { loginAdmin, newUser, useStack, statementsSoFar } from './stack.js';

const run = useStack();

const storedOf = (userId: string) => storedIn(run.sql, userId);

describe('sessions with the other subgraphs, through the gateway', () => {
  it('answers one query across both subgraphs', async () => {
    const user = await newUser(run.client, 'both');
    const me = run.client.as(user.token);
    await importRows(me, makeRows(25, 7));
    const { user: found } = await me.data(
      `query($id: ID!) { user(id: $id) { email sessions(first: 20) { nodes { ${FIELDS} user { email } } pageInfo { hasNextPage } } stats { ${STATS} } } }`,
      { id: user.id },
    );
    expect(found.email).toBe(user.email);
    expect(found.sessions.nodes).toHaveLength(20);
    expect(found.sessions.nodes[0].user.email).toBe(user.email);
    expect(found.sessions.pageInfo.hasNextPage).toBe(true);
    expectStatsToMatch(found.stats, await storedOf(user.id));
  });

  it("deletes a user's sessions when the user is deleted", async () => {
    const leaving = await newUser(run.client, 'leaving');
    const staying = await newUser(run.client, 'staying');
    await importRows(run.client.as(leaving.token), makeRows(5, 1));
    await importRows(run.client.as(staying.token), makeRows(2, 2));
    await run.client.as(leaving.token).data('mutation($id: ID!) { deleteUser(id: $id) }', { id: leaving.id });
    await waitFor(async () => (await storedOf(leaving.id)).length === 0, 30_000, 'the sessions to go');
    expect(await storedOf(staying.id)).toHaveLength(2);
  });

  it('lists users with their sessions and stats in a bounded number of SQL statements', async () => {
    const admin = run.client.as(await loginAdmin(run.client));
    const measure = async () => {
      const before = await statementsSoFar(run.sessions);
      const { users } = await admin.data(
        '{ users(first: 50) { nodes { sessions(first: 3) { nodes { id } } stats { count byWeek { count } } } } }',
      );
      return { statements: (await statementsSoFar(run.sessions)) - before, users: users.nodes.length };
    };
    const few = await measure();
    for (let i = 0; i < 12; i++)
      await importRows(run.client.as((await newUser(run.client, 'many')).token), makeRows(4, i));
    const many = await measure();
    expect(many.users).toBeGreaterThan(few.users + 10);
    expect(many.statements).toBe(few.statements);
  });
});
