// A user deleted while sessions was down: on NATS the group 'sessions' is handed the user.deleted
// event when sessions is back, and that user's sessions go (without NATS the cleanup worker's
// orphans task catches them later).
import { randomUUID } from 'node:crypto';
import { createEventBus, userDeleted } from '@switchyard/kit';
import { sqlClient, Stack, startAlone, userViewer, waitFor } from '@switchyard/testing';
import { service } from '../index.js';
import { importRows, makeRows, storedIn } from './rows.js';

const url = process.env.NATS_URL;

(url ? it : it.skip)("deletes a user's sessions once back, when the user was deleted while it was down", async () => {
  const settings = { NATS_URL: url! };
  const before = new Stack();
  const after = new Stack();
  const bus = await createEventBus({ natsUrl: url });
  try {
    const first = await startAlone(before, 'sessions', service, settings);
    const [leaving, staying] = [randomUUID(), randomUUID()];
    for (const id of [leaving, staying]) await importRows(await first.as(userViewer(id)), makeRows(3, 1));
    await before.close();

    await bus.publish(userDeleted, { userId: leaving });
    const back = await startAlone(after, 'sessions', service, { ...settings, DATABASE_URL: first.db });
    const sql = await sqlClient(back.db);
    try {
      await waitFor(async () => (await storedIn(sql, leaving)).length === 0, 30_000, "the user's sessions to go");
      expect(await storedIn(sql, staying)).toHaveLength(3);
    } finally {
      await sql.end();
    }
  } finally {
    await after.close();
    await before.close();
    await bus.close();
  }
});
