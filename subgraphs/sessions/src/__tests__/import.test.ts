// Importing sessions in bulk, against the sessions subgraph alone.
import { codes } from '@switchyard/testing';
import { useSessions } from './alone.js';
import { DAY, IMPORT, type Row } from './rows.js';

const sessions = useSessions();

it('imports the valid rows of a mixed batch and reports each invalid one by index and reason', async () => {
  const user = await sessions.newUser();
  const me = user.client;
  const good = (i: number): Row => ({
    activity: 'WALK',
    startedAt: new Date(Date.now() - i * DAY).toISOString(),
    durationSec: 1200,
    notes: `good ${i}`,
  });
  const rows = [
    good(1),
    { ...good(2), durationSec: 0 },
    { ...good(3), durationSec: 48 * 3600 + 1 },
    good(4),
    { ...good(5), distanceM: -1 },
    { ...good(6), calories: -5 },
    { ...good(7), avgHeartRate: 24 },
    { ...good(8), avgHeartRate: 251 },
    { ...good(9), startedAt: new Date(Date.now() + 11 * 60_000).toISOString() },
    { ...good(10), activity: 'JOG' },
    { ...good(11), startedAt: 'yesterday' },
    good(12),
    { ...good(13), startedAt: '2026-01-01T10:00:00' },
    { ...good(14), startedAt: '0999-01-01T10:00:00Z' },
    { ...good(15), notes: 'nul \u0000 inside' },
    { ...good(16), distanceM: 1e308 },
    { ...good(17), userId: 'someone' },
  ];
  const { importSessions } = await me.data(IMPORT, { rows });
  expect(importSessions.imported).toBe(3);
  expect(importSessions.rejected.map((r: any) => [r.index, r.field])).toEqual([
    [1, 'durationSec'],
    [2, 'durationSec'],
    [4, 'distanceM'],
    [5, 'calories'],
    [6, 'avgHeartRate'],
    [7, 'avgHeartRate'],
    [8, 'startedAt'],
    [9, 'activity'],
    [10, 'startedAt'],
    [12, 'startedAt'],
    [13, 'startedAt'],
    [14, 'notes'],
    [15, 'distanceM'],
    [16, 'userId'],
  ]);
  for (const r of importSessions.rejected) expect(r.reason.length).toBeGreaterThan(5);
  expect((await sessions.storedOf(user.id)).map((r) => r.notes).sort()).toEqual(['good 1', 'good 12', 'good 4']);

  const tooMany = Array.from({ length: 10_001 }, () => good(1));
  expect(codes(await me.request(IMPORT, { rows: tooMany }))).toEqual(['BAD_USER_INPUT']);
  expect(await sessions.storedOf(user.id)).toHaveLength(3);
});
