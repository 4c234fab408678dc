// Creating, listing, paging and summing up one's sessions, against the sessions subgraph alone.
import { codes } from '@switchyard/testing';
import { useSessions } from './alone.js';
import { DAY, expectStatsToMatch, FIELDS, IMPORT, importRows, makeRows, type Row, STATS, userFields } from './rows.js';

const sessions = useSessions();

describe('sessions', () => {
  it('creates, lists with every filter, pages stably under concurrent inserts, and sums up correctly', async () => {
    const user = await sessions.newUser();
    const me = user.client;
    const { createSession } = await me.data(
      `mutation($i: SessionInput!) { createSession(input: $i) { ${FIELDS} user { id } } }`,
      {
        i: {
          activity: 'RUN',
          startedAt: new Date(Date.now() - DAY).toISOString(),
          durationSec: 1800,
          distanceM: 5000,
          avgHeartRate: 150,
        },
      },
    );
    expect(createSession).toMatchObject({
      activity: 'RUN',
      durationSec: 1800,
      distanceM: 5000,
      calories: null,
      user: { id: user.id },
    });
    await importRows(me, makeRows(60, 1));
    let stored = await sessions.storedOf(user.id);
    expect(stored).toHaveLength(61);

    const list = async (filter: Record<string, unknown>, orderBy = 'STARTED_AT_DESC') =>
      (
        await me.data(
          'query($f: SessionFilter, $o: SessionOrder) { sessions(filter: $f, first: 100, orderBy: $o) { nodes { id } } }',
          { f: filter, o: orderBy },
        )
      ).sessions.nodes.map((n: { id: string }) => n.id);
    const ids = (rows: typeof stored) => rows.map((r) => r.id);
    const byStartDesc = (a: Row & { id: string }, b: Row & { id: string }) =>
      b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id);
    const from = new Date(Date.now() - 30 * DAY).toISOString();
    const to = new Date(Date.now() - 10 * DAY).toISOString();

    expect(await list({})).toEqual(ids([...stored].sort(byStartDesc)));
    expect(await list({ activity: 'SWIM' })).toEqual(
      ids(stored.filter((r) => r.activity === 'SWIM').sort(byStartDesc)),
    );
    expect(await list({ from, to })).toEqual(
      ids(stored.filter((r) => r.startedAt >= from && r.startedAt < to).sort(byStartDesc)),
    );
    expect(await list({ minDurationSec: 3000, maxDurationSec: 5000 })).toEqual(
      ids(stored.filter((r) => r.durationSec >= 3000 && r.durationSec <= 5000).sort(byStartDesc)),
    );
    expect(await list({ userId: user.id }, 'DURATION_ASC')).toEqual(
      ids([...stored].sort((a, b) => a.durationSec - b.durationSec || a.id.localeCompare(b.id))),
    );

    // Page 7 at a time while new sessions keep arriving: every original session once, in order.
    const seen: string[] = [];
    let after: string | null = null;
    let inserted = 0;
    for (;;) {
      const [page] = await Promise.all([
        me.data(
          'query($a: String) { sessions(first: 7, after: $a) { nodes { id } pageInfo { endCursor hasNextPage } } }',
          { a: after },
        ),
        me
          .data(IMPORT, {
            rows: makeRows(2, 100 + inserted).map((r) => ({ ...r, startedAt: new Date().toISOString() })),
          })
          .then(() => (inserted += 2)),
      ]);
      seen.push(...page.sessions.nodes.map((n: { id: string }) => n.id));
      if (!page.sessions.pageInfo.hasNextPage) break;
      after = page.sessions.pageInfo.endCursor;
    }
    const fresh = new Set(ids(await sessions.storedOf(user.id)).filter((id) => !stored.some((r) => r.id === id)));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => !fresh.has(id))).toEqual(ids([...stored].sort(byStartDesc)));

    // The stats the gateway reads as `me { stats }`: the caller's own User entity.
    stored = await sessions.storedOf(user.id);
    expectStatsToMatch((await userFields(me, user.id, `stats { ${STATS} }`)).stats, stored);
    const ranged = await userFields(
      me,
      user.id,
      `stats(from: $f, to: $t, activity: RIDE) { ${STATS} }`,
      '$f: DateTimeISO, $t: DateTimeISO',
      { f: from, t: to },
    );
    expectStatsToMatch(
      ranged.stats,
      stored.filter((r) => r.activity === 'RIDE' && r.startedAt >= from && r.startedAt < to),
    );
    const empty = await userFields(
      me,
      user.id,
      'stats(from: "2000-01-01T00:00:00Z", to: "2000-02-01T00:00:00Z") { count averageDurationSec longest { id } byActivity { count } byWeek { count } }',
    );
    expect(empty.stats).toEqual({ count: 0, averageDurationSec: null, longest: null, byActivity: [], byWeek: [] });
  });

  it('rejects bad sessions with BAD_USER_INPUT naming the field', async () => {
    const { client: me } = await sessions.newUser();
    const base = { activity: 'RUN', startedAt: new Date().toISOString(), durationSec: 600 };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ durationSec: 0 }, 'durationSec'],
      [{ durationSec: 172801 }, 'durationSec'],
      [{ distanceM: -1 }, 'distanceM'],
      [{ calories: -1 }, 'calories'],
      [{ avgHeartRate: 251 }, 'avgHeartRate'],
      [{ startedAt: new Date(Date.now() + 11 * 60_000).toISOString() }, 'startedAt'],
      [{ activity: 'JOG' }, 'activity'],
    ];
    for (const [change, field] of cases) {
      const result = await me.request('mutation($i: SessionInput!) { createSession(input: $i) { id } }', {
        i: { ...base, ...change },
      });
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toContain(field);
    }
    expect(
      codes(await me.request('{ sessions(filter: { minDurationSec: 10, maxDurationSec: 5 }) { nodes { id } } }')),
    ).toEqual(['BAD_USER_INPUT']);
  });
});
