import { newUser, useStack } from './stack.js';

// A subgraph that cannot answer costs its own fields only: the rest of the response stays.
const run = useStack();

it('with sessions down, a user keeps their email and watchlist; sessions and stats are null with UNAVAILABLE', async () => {
  const user = await newUser(run.client);
  const me = run.client.as(user.token);
  const QUERY = '{ me { email watchlist { high } sessions(first: 1) { nodes { id } } stats { count } } }';
  const before = await me.request(QUERY);
  expect(before.errors).toBeUndefined();
  expect(before.data).toEqual({
    me: { email: user.email, watchlist: [], sessions: { nodes: [] }, stats: { count: 0 } },
  });

  await run.sessions.close();

  const after = await me.request(QUERY);
  expect(after.status).toBe(200);
  expect(after.data).toEqual({ me: { email: user.email, watchlist: [], sessions: null, stats: null } });
  expect(after.errors?.length).toBeGreaterThan(0);
  for (const error of after.errors!) {
    expect(error.extensions).toMatchObject({ code: 'UNAVAILABLE', serviceName: 'sessions' });
  }
  // Queries that never touch sessions do not notice.
  expect(await me.request('{ me { email } }')).toEqual({ status: 200, data: { me: { email: user.email } } });
});
