// What only NATS does: durable groups that get what was published while they were away, split
// between their members, and cursors to read a topic back from. The server is shared and keeps
// its stream, so every test has a topic and groups of its own.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { tcpProxy, throughProxy, waitFor } from '@switchyard/testing';
import { durableName } from '../events-nats.js';
import type { EventBus } from '../index.js';
import { natsOptions } from '../nats-connection.js';
import { alertsTopic, busFor, collect, runName } from './events-helpers.js';

const url = process.env.NATS_URL;
const withNats = url ? describe : describe.skip;

withNats('the event bus on NATS', () => {
  const buses: EventBus[] = [];
  const groups: Array<[string, string]> = [];
  const open = async (at = url!) => buses[buses.push(await busFor('nats', at)) - 1]!;
  const newGroup = (topic: string) => {
    const group = runName('group');
    groups.push([group, topic]);
    return group;
  };
  let bus: EventBus;
  beforeAll(async () => {
    bus = await open();
  });
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    // The groups' durable consumers would outlive the run on the shared server.
    const connection = await connect({ servers: url });
    const jsm = await jetstreamManager(connection);
    for (const [group, topic] of groups) {
      await jsm.consumers.delete('SWITCHYARD_EVENTS', durableName(group, topic)).catch(() => undefined);
    }
    await connection.close();
  });

  it('keeps what a group missed while away, and gives it to the group once back, each event once', async () => {
    const alerts = alertsTopic();
    const group = newGroup(alerts.name);
    const before = await open();
    const first = await collect(before, alerts, { group });
    await bus.publish(alerts, { id: 'while-there' });
    await waitFor(async () => first.received.length === 1, 30_000, 'the first event');
    await before.close();

    for (const id of ['away-1', 'away-2', 'away-3']) await bus.publish(alerts, { id });
    const back = await collect(await open(), alerts, { group });
    await waitFor(async () => back.received.length >= 3, 30_000, 'what was published while away');
    // One more, which comes after any second delivery of the earlier ones would have.
    await bus.publish(alerts, { id: 'after' });
    await waitFor(async () => back.ids().includes('after'), 30_000, 'the last event');
    expect(back.ids()).toEqual(['away-1', 'away-2', 'away-3', 'after']);
    expect(first.ids()).toEqual(['while-there']);
    const cursors = back.metas.map((m) => Number(m.cursor));
    expect(cursors).toEqual([...cursors].sort((x, y) => x - y));
  });

  it('splits a group between its members, none getting an event another had', async () => {
    const alerts = alertsTopic();
    const group = newGroup(alerts.name);
    // Each member holds its first event until the other has one too: a member takes one event at
    // a time, so the next must go to the other.
    let bothHaveOne: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (bothHaveOne = resolve));
    const hold = async () => {
      if (a.received.length > 0 && b.received.length > 0) bothHaveOne();
      await gate;
    };
    const a = await collect(await open(), alerts, { group }, hold);
    const b = await collect(await open(), alerts, { group }, hold);
    const ids = Array.from({ length: 20 }, (_, i) => `e${i}`);
    for (const id of ids) await bus.publish(alerts, { id });
    await waitFor(async () => a.received.length + b.received.length >= ids.length, 30_000, 'every event');
    // A last one, past any second delivery of the others.
    await bus.publish(alerts, { id: 'last' });
    await waitFor(async () => [...a.ids(), ...b.ids()].includes('last'), 30_000, 'the last event');
    expect([...a.ids(), ...b.ids()].sort()).toEqual([...ids, 'last'].sort());
    expect(a.received.length).toBeGreaterThan(0);
    expect(b.received.length).toBeGreaterThan(0);
  });

  it('gives broadcast events rising cursors, and since(cursor) the events after one, in order', async () => {
    const alerts = alertsTopic();
    const other = alertsTopic();
    const live = await collect(bus, alerts);
    for (let i = 1; i <= 5; i++) {
      await bus.publish(alerts, { id: `n${i}` });
      // Another topic's events in between: cursors are the stream's, since reads this topic's only.
      await bus.publish(other, { id: `other${i}` });
    }
    await waitFor(async () => live.received.length === 5, 30_000, 'five events');
    const cursors = live.metas.map((meta) => meta.cursor!);
    expect(cursors.map(Number)).toEqual([...cursors.map(Number)].sort((x, y) => x - y));
    expect(new Set(cursors).size).toBe(5);

    const after = await bus.since(alerts, cursors[1]!);
    expect(after).toEqual({
      events: [2, 3, 4].map((i) => ({ payload: { id: `n${i + 1}` }, cursor: cursors[i] })),
      complete: true,
    });
    await expect(bus.since(alerts, cursors[4]!)).resolves.toEqual({ events: [], complete: true });
    const cut = await bus.since(alerts, cursors[0]!, 2);
    expect(cut?.events.map((e) => e.payload.id)).toEqual(['n2', 'n3']);
    expect(cut?.complete).toBe(false);
    await expect(bus.since(alerts, 'yesterday')).rejects.toThrow('cursor');
    await live.unsubscribe();
  });

  it('keeps its subscriptions through a lost connection, and gets what was published meanwhile', async () => {
    const alerts = alertsTopic();
    const group = newGroup(alerts.name);
    const server = new URL(url!);
    const proxy = await tcpProxy({ host: server.hostname, port: Number(server.port || 4222) });
    const cut = await open(throughProxy(url!, proxy));
    try {
      const live = await collect(cut, alerts);
      const member = await collect(cut, alerts, { group });
      await bus.publish(alerts, { id: 'before' });
      await waitFor(async () => live.received.length === 1 && member.received.length === 1, 30_000, 'the first event');
      await proxy.cut();
      await bus.publish(alerts, { id: 'while-cut' });
      await proxy.restore();
      await bus.publish(alerts, { id: 'after' });
      const all = ['before', 'while-cut', 'after'];
      await waitFor(async () => live.received.length === 3 && member.received.length === 3, 50_000, 'all three');
      expect(live.ids()).toEqual(all);
      expect(member.ids()).toEqual(all);
    } finally {
      // While it can still reach the server, to delete its consumers.
      await cut.close();
      await proxy.close();
    }
  });

  it('gives a group its topic in order, an event that a lost member took coming back before later ones', async () => {
    const alerts = alertsTopic();
    const group = newGroup(alerts.name);
    // The member holds its first event, so no pull of its own waits while a lost one takes the next.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const member = await collect(await open(), alerts, { group }, () => held);
    await bus.publish(alerts, { id: 'first' });
    await waitFor(async () => member.received.length === 1, 30_000, 'the first event');
    // A member cut off with an event in hand, as NATS sees it: pulled, never acknowledged.
    const connection = await connect({ servers: url });
    try {
      const lost = (
        await jetstream(connection).consumers.get('SWITCHYARD_EVENTS', durableName(group, alerts.name))
      ).next({
        expires: 30_000,
      });
      await bus.publish(alerts, { id: 'taken' });
      const taken = await lost;
      expect(taken?.json()).toEqual({ id: 'taken' });
      release();
      await bus.publish(alerts, { id: 'later' });
      // Given back at once rather than after the acknowledgement wait; the later one must not pass it.
      taken!.nak();
      await waitFor(async () => member.received.length === 3, 30_000, 'all three');
      expect(member.ids()).toEqual(['first', 'taken', 'later']);
    } finally {
      await connection.close();
    }
  });

  it('refuses an event larger than the server takes, saying so', async () => {
    const alerts = alertsTopic();
    await expect(bus.publish(alerts, { id: 'huge', note: 'x'.repeat(2 * 1024 * 1024) })).rejects.toThrow(
      /is \d+ bytes; NATS takes at most 1048576/,
    );
  });
});

describe('NATS_URL', () => {
  it('carries credentials and TLS, which the client reads from options only', () => {
    expect(natsOptions('nats://svc:p%40ss@nats.internal:4333', 'x')).toMatchObject({
      servers: 'nats.internal:4333',
      user: 'svc',
      pass: 'p@ss',
    });
    expect(natsOptions('tls://s3cret@nats.internal', 'x')).toMatchObject({
      servers: 'nats.internal:4222',
      token: 's3cret',
      tls: {},
    });
    expect(natsOptions('nats://127.0.0.1:4222', 'x')).not.toHaveProperty('tls');
  });

  it("names a group's durable consumer with what NATS allows, two names never one", () => {
    expect(durableName('sessions', 'user.deleted')).toMatch(/^sessions_user_deleted_[0-9a-f]{8}$/);
    expect(durableName('a', 'b.c')).not.toBe(durableName('a', 'b_c'));
  });
});
