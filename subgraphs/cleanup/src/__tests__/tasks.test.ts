// The registered tasks as a query, for clients that may not introspect (the dashboard in production).
import { randomUUID } from 'node:crypto';
import { registeredRetention } from '@switchyard/kit';
import { codes, useAlone, userViewer } from '@switchyard/testing';
import { service } from '../index.js';

const cleanup = useAlone('cleanup', service, { CLEANUP_WORKER: 'false' });
const TASKS = '{ cleanupTasks { job owner reason schedule } }';

it('lists the registered tasks by name to admins, with their owners, reasons and schedules; not to users', async () => {
  const admin = await cleanup.alone.as(userViewer(randomUUID(), 'ADMIN'));
  const { cleanupTasks } = await admin.data<{ cleanupTasks: Array<{ job: string; owner: string }> }>(TASKS);
  const registered = await registeredRetention();
  expect(cleanupTasks.map((task) => task.job)).toEqual(registered.map((task) => task.name).sort());
  expect(cleanupTasks).toContainEqual({
    job: 'PRICES',
    owner: 'users',
    reason: 'price past retention',
    schedule: registered.find((task) => task.name === 'PRICES')!.schedule,
  });

  const user = await cleanup.alone.as(userViewer(randomUUID()));
  expect(codes(await user.request(TASKS))).toEqual(['FORBIDDEN']);
});
