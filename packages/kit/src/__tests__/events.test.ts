import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freshDatabase, sqlClient, waitFor } from '@switchyard/testing';
import { createEventBus, type EventBus, topic, z } from '../index.js';

const FIXTURE = join(__dirname, 'fixtures', 'publish-event.cjs');
const publishFromAnotherProcess = (backend: string, url: string, name: string, payload: unknown) =>
  promisify(execFile)(process.execPath, [FIXTURE, backend, url, name, JSON.stringify(payload)]);

const alerts = topic('alerts', z.object({ id: z.string(), note: z.string().optional() }));

/** Collects what a subscription receives. */
async function collect(bus: EventBus) {
  const received: Array<{ id: string; note?: string }> = [];
  const unsubscribe = await bus.subscribe(alerts, (event) => {
    received.push(event);
  });
  return { received, unsubscribe };
}

const backends: Array<[string, () => Promise<string | undefined>]> = [
  ['postgres', () => freshDatabase('events')],
  ['redis', async () => process.env.REDIS_URL],
];

describe.each(backends)('the event bus on %s', (backend, target) => {
  let url: string | undefined;
  let bus: EventBus;

  beforeAll(async () => {
    url = await target();
    if (!url) return;
    bus = await createEventBus(backend === 'redis' ? { databaseUrl: '', redisUrl: url } : { databaseUrl: url });
  });
  afterAll(() => bus?.close());

  // Redis runs where REDIS_URL is set (.ci/run sets it); PostgreSQL always.
  const maybe = backend === 'redis' && !process.env.REDIS_URL ? it.skip : it;

  maybe('delivers events published by another process, large ones whole', async () => {
    const { received, unsubscribe } = await collect(bus);
    await publishFromAnotherProcess(backend, url!, 'alerts', { id: 'from-child' });
    const big = 'x'.repeat(20_000);
    await publishFromAnotherProcess(backend, url!, 'alerts', { id: 'big', note: big });
    await waitFor(async () => received.length >= 2, 30_000, 'both events');
    expect(received).toEqual([{ id: 'from-child' }, { id: 'big', note: big }]);
    await unsubscribe();
  });

  maybe('checks payloads against the topic and stops delivering after unsubscribe', async () => {
    await expect(bus.publish(alerts, { id: 42 } as never)).rejects.toThrow();
    const { received, unsubscribe } = await collect(bus);
    await bus.publish(alerts, { id: 'one' });
    await waitFor(async () => received.length === 1, 30_000, 'the event');
    await unsubscribe();
    // A subscriber still listening: once it has 'two', the other would have had it too.
    const witness = await collect(bus);
    await bus.publish(alerts, { id: 'two' });
    await waitFor(async () => witness.received.some((e) => e.id === 'two'), 30_000, 'the witness');
    await witness.unsubscribe();
    expect(received).toEqual([{ id: 'one' }]);
  });
});

describe('the PostgreSQL event bus', () => {
  it('listens again after its connection is cut', async () => {
    const url = await freshDatabase('events_reconnect');
    const bus = await createEventBus({ databaseUrl: url });
    const sql = await sqlClient(url);
    try {
      const { received } = await collect(bus);
      await sql.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'switchyard-events' and datname = current_database()",
      );
      // Keep publishing until the new listener hears one.
      await waitFor(
        async () => {
          await bus.publish(alerts, { id: 'after' });
          return received.length > 0;
        },
        30_000,
        'delivery after reconnect',
      );
      expect(received[0]).toEqual({ id: 'after' });
    } finally {
      await sql.end();
      await bus.close();
    }
  });
});
