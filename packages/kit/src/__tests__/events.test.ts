import { freshDatabase, sqlClient, waitFor } from '@switchyard/testing';
import { createEventBus, type EventBus } from '../index.js';
import { alertsTopic, type Backend, busFor, collect, publishFromAnotherProcess } from './events-helpers.js';

const backends: Array<[Backend, () => Promise<string | undefined>]> = [
  ['postgres', () => freshDatabase('events')],
  ['redis', async () => process.env.REDIS_URL],
  ['nats', async () => process.env.NATS_URL],
];

describe.each(backends)('the event bus on %s', (backend, target) => {
  let url: string | undefined;
  let bus: EventBus;
  const alerts = alertsTopic();

  beforeAll(async () => {
    url = await target();
    if (url) bus = await busFor(backend, url);
  });
  afterAll(() => bus?.close());

  // Redis and NATS run where REDIS_URL and NATS_URL are set (.ci/run sets them); PostgreSQL always.
  const maybe = backend === 'postgres' || process.env[`${backend.toUpperCase()}_URL`] ? it : it.skip;
  // NATS keeps events and gives a group's event to one member: events-nats.test.ts covers that.
  const broadcasting = backend !== 'nats';

  maybe('delivers events published by another process, large ones whole', async () => {
    const { received, unsubscribe } = await collect(bus, alerts);
    await publishFromAnotherProcess(backend, url!, alerts.name, { id: 'from-child' });
    const big = 'x'.repeat(20_000);
    await publishFromAnotherProcess(backend, url!, alerts.name, { id: 'big', note: big });
    await waitFor(async () => received.length >= 2, 30_000, 'both events');
    expect(received).toEqual([{ id: 'from-child' }, { id: 'big', note: big }]);
    await unsubscribe();
  });

  maybe('checks payloads against the topic and stops delivering after unsubscribe', async () => {
    await expect(bus.publish(alerts, { id: 42 } as never)).rejects.toThrow();
    const { received, unsubscribe } = await collect(bus, alerts);
    await bus.publish(alerts, { id: 'one' });
    await waitFor(async () => received.length === 1, 30_000, 'the event');
    await unsubscribe();
    // A subscriber still listening: once it has 'two', the other would have had it too.
    const witness = await collect(bus, alerts);
    await bus.publish(alerts, { id: 'two' });
    await waitFor(async () => witness.received.some((e) => e.id === 'two'), 30_000, 'the witness');
    await witness.unsubscribe();
    expect(received).toEqual([{ id: 'one' }]);
  });

  if (broadcasting)
    maybe('keeps no events, and a group subscription gets every event live', async () => {
      // Without NATS a group is a broadcast: both subscribers of one group hear the event.
      const first = await collect(bus, alerts, { group: 'sessions' });
      const second = await collect(bus, alerts, { group: 'sessions' });
      await bus.publish(alerts, { id: 'to-the-group' });
      await waitFor(async () => first.received.length === 1 && second.received.length === 1, 30_000, 'both members');
      expect(first.metas).toEqual([{}]);
      await Promise.all([first.unsubscribe(), second.unsubscribe()]);
      await expect(bus.since(alerts, '0')).resolves.toBeUndefined();
    });
});

describe('the PostgreSQL event bus', () => {
  it('listens again after its connection is cut', async () => {
    const url = await freshDatabase('events_reconnect');
    const bus = await createEventBus({ databaseUrl: url });
    const sql = await sqlClient(url);
    const alerts = alertsTopic();
    try {
      const { received } = await collect(bus, alerts);
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

  it('compresses large payloads with lz4 where the server has it, and keeps pglz where not', async () => {
    const url = await freshDatabase('events_lz4');
    const sql = await sqlClient(url);
    const bus = await createEventBus({ databaseUrl: url });
    try {
      const hasLz4 = await sql.query('create temp table probe (body text compression lz4)').then(
        () => true,
        () => false,
      );
      const { rows } = await sql.query(
        "select attcompression as method from pg_attribute where attrelid = 'sy_events.payloads'::regclass and attname = 'body'",
      );
      expect(rows[0].method).toBe(hasLz4 ? 'l' : '');
      // Set once: a second bus on the database starts as well.
      await (await createEventBus({ databaseUrl: url })).close();
      const alerts = alertsTopic();
      const { received } = await collect(bus, alerts);
      const note = 'reading '.repeat(5_000);
      await bus.publish(alerts, { id: 'big', note });
      await waitFor(async () => received.length === 1, 30_000, 'the large event');
      expect(received).toEqual([{ id: 'big', note }]);
      const stored = await sql.query('select pg_column_compression(body) as method from sy_events.payloads');
      expect(stored.rows).toEqual([{ method: hasLz4 ? 'lz4' : 'pglz' }]);
    } finally {
      await sql.end();
      await bus.close();
    }
  });
});
