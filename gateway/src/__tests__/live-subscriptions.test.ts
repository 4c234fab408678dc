// Subscriptions at scale: one upstream socket per subgraph for every caller, a cap per client
// connection, and subscriptions that outlive a subgraph restart and a supergraph reload, on
// several gateways over several replicas of the subgraph.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventBus, type EventBus, generateSigningKey, parseEnv, type Service } from '@switchyard/kit';
import {
  freePort,
  Stack,
  TestConnection,
  type TestSubscription,
  tcpProxy,
  throughProxy,
  viewerHeader,
  waitFor,
} from '@switchyard/testing';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startUsers, usersEnv } from '@switchyard/users';
import { alertRaised } from '@switchyard/users/events';
import { extraGateway, metricOf, newUser, ROOT, type Running, startStack, subgraphUrls } from './stack.js';

const ALERTS = 'subscription($s: String) { alertTriggered(symbol: $s) { id kind user { email } } }';

const alert = (userId: string, symbol = 'ACME') => ({
  id: randomUUID(),
  userId,
  symbol,
  kind: 'HIGH' as const,
  price: 2,
  threshold: 1,
  triggeredAt: new Date().toISOString(),
});
const live = (service: Service, count: number) =>
  waitFor(
    async () => (await metricOf(service, 'graphql_subscriptions_active')) === count,
    30_000,
    `${count} live on ${service.url}`,
  );
const ids = (subscription: TestSubscription) => subscription.results.map((r) => r.data?.alertTriggered?.id);

/** Another users replica, on `port` (the same one again after a restart). */
const usersReplica = (run: Running, port: number, settings: Record<string, string> = {}) =>
  startUsers(
    parseEnv(usersEnv, {
      NODE_ENV: 'test',
      DATABASE_URL: run.db,
      HOST: '127.0.0.1',
      PORT: String(port),
      GATEWAY_PUBLIC_KEYS: JSON.stringify(run.gatewayKey.publicJwk),
      DB_POOL_SIZE: '2',
      ...settings,
    }) as Parameters<typeof startUsers>[0],
  );

describe('live subscriptions', () => {
  const stack = new Stack();
  let run: Running;
  let bus: EventBus;
  const connections: TestConnection[] = [];
  const connect = (gateway: Service, token: string) => {
    const connection = new TestConnection(gateway.url, token);
    connections.push(connection);
    return connection;
  };
  const sockets = (gateway: Service) => metricOf(gateway, 'gateway_upstream_sockets', { subgraph: 'users' });

  beforeAll(async () => {
    run = await startStack(stack, { gateway: { WS_OPERATIONS_PER_CONNECTION: '3' } });
    bus = await createEventBus({ databaseUrl: run.db });
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await bus.close();
    await stack.close();
  });

  it("carries every caller's subscriptions on one socket per subgraph, closed with the last, and caps each connection", async () => {
    const alice = await newUser(run.client, 'alice');
    const bob = await newUser(run.client, 'bob');
    const aliceConnection = connect(run.gateway, alice.token);
    const aliceSees = ['ACME', 'BETA', 'ACME'].map((s) => aliceConnection.subscribe(ALERTS, { s }));
    const bobSees = [connect(run.gateway, bob.token), connect(run.gateway, bob.token)].map((c) =>
      c.subscribe(ALERTS, { s: 'ACME' }),
    );
    await live(run.users, 5);
    expect(await sockets(run.gateway)).toBe(1);

    // A fourth on Alice's connection is one too many; her others go on.
    const refused = aliceConnection.subscribe(ALERTS, { s: 'GAMMA' });
    await refused.untilEnded();
    expect(refused.error).toEqual([expect.objectContaining({ extensions: { code: 'RATE_LIMITED', limit: 3 } })]);

    const forAlice = alert(alice.id);
    const forBob = alert(bob.id);
    await bus.publish(alertRaised, forAlice);
    await bus.publish(alertRaised, forBob);
    await Promise.all([aliceSees[0]!.take(1), aliceSees[2]!.take(1), ...bobSees.map((s) => s.take(1))]);
    expect(aliceSees.map(ids)).toEqual([[forAlice.id], [], [forAlice.id]]);
    expect(bobSees.map(ids)).toEqual([[forBob.id], [forBob.id]]);
    expect(aliceSees[0]!.results[0]!.data!.alertTriggered.user).toEqual({ email: alice.email });

    // One ended makes room for another on the same connection.
    await aliceSees[1]!.close();
    await live(run.users, 4);
    const again = aliceConnection.subscribe(ALERTS, { s: 'DELTA' });
    await live(run.users, 5);

    for (const subscription of [...aliceSees, ...bobSees, again]) await subscription.close();
    await live(run.users, 0);
    await waitFor(async () => (await sockets(run.gateway)) === 0, 30_000, 'the upstream socket to close');
  });

  it("refuses one operation with a forged assertion on the gateway's socket, not the socket", async () => {
    const grace = await newUser(run.client, 'grace');
    const viewer = { kind: 'user' as const, id: grace.id, role: 'USER', scopes: [] };
    const client = createClient({
      url: run.users.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: await viewerHeader(run.gatewayKey, 'users'),
      retryAttempts: 0,
    });
    const forger = await generateSigningKey();
    const outcome = (extensions: Record<string, string>) =>
      new Promise<unknown>((resolve) => {
        const stop = client.subscribe(
          { query: 'subscription { alertTriggered { id } }', extensions },
          {
            next: (value) => resolve(value),
            error: (error) => resolve({ error }),
            complete: () => resolve('complete'),
          },
        );
        void live(run.users, 1).then(
          () => (stop(), resolve('live')),
          () => undefined,
        );
      });
    try {
      expect(await outcome(await viewerHeader(forger, 'users', viewer))).toEqual({
        errors: [expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })],
      });
      // The same socket still serves an operation with a good assertion.
      expect(await outcome(await viewerHeader(run.gatewayKey, 'users', viewer))).toBe('live');
    } finally {
      await client.dispose();
    }
  });

  it('goes on through a restart of its subgraph, saying that events may have been missed, never erring', async () => {
    const port = await freePort();
    let replica = await usersReplica(run, port);
    const gateway = await extraGateway(stack, run, {
      SUBGRAPH_URLS: subgraphUrls(run, { users: replica.url }),
    });
    try {
      const carol = await newUser(run.client, 'carol');
      const carolSees = connect(gateway, carol.token).subscribe(ALERTS);
      await live(replica, 1);
      const before = alert(carol.id);
      await bus.publish(alertRaised, before);
      await carolSees.take(1);

      await replica.close();
      replica = await usersReplica(run, port);
      await live(replica, 1);
      const after = alert(carol.id);
      await bus.publish(alertRaised, after);
      const [, resumed] = await carolSees.take(2);
      expect(resumed).toEqual({
        data: { alertTriggered: { id: after.id, kind: 'HIGH', user: { email: carol.email } } },
        // PostgreSQL NOTIFY keeps nothing: whatever came while the replica was away is lost, and said so.
        extensions: { missedEvents: true },
      });
      expect(carolSees.ended).toBe(false);

      // A gateway that waits half a second for a subgraph tells its subscriber when it is gone longer.
      const impatient = await extraGateway(stack, run, {
        SUBGRAPH_URLS: subgraphUrls(run, { users: replica.url }),
        SUBSCRIPTION_RESUME_SEC: '0.5',
      });
      const frankSees = connect(impatient, (await newUser(run.client, 'frank')).token).subscribe(ALERTS);
      await live(replica, 2);
      await replica.close();
      await frankSees.untilEnded(30_000);
      expect(frankSees.results.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(['UNAVAILABLE']);
      expect(carolSees.ended).toBe(false);
      replica = await usersReplica(run, port);
      await live(replica, 1);
      await carolSees.close();
    } finally {
      await replica.close();
    }
  });

  it('notices a socket to its subgraph whose path died silently, and subscribes again over a new one', async () => {
    const users = new URL(run.users.url);
    const proxy = await tcpProxy({ host: users.hostname, port: Number(users.port) });
    const gateway = await extraGateway(stack, run, {
      SUBGRAPH_URLS: subgraphUrls(run, { users: throughProxy(run.users.url, proxy) }),
      SUBSCRIPTION_PING_SEC: '0.5',
    });
    try {
      const dana = await newUser(run.client, 'dana');
      const danaSees = connect(gateway, dana.token).subscribe(ALERTS);
      const first = alert(dana.id);
      // Published until it arrives: the subscription may not have reached the subgraph yet.
      await waitFor(async () => (await bus.publish(alertRaised, first), ids(danaSees).length > 0), 30_000, 'the first');

      // No reset, no FIN: only an unanswered ping can tell.
      proxy.freeze();
      const later = alert(dana.id);
      await waitFor(
        async () => (await bus.publish(alertRaised, later), ids(danaSees).includes(later.id)),
        30_000,
        'an event after the path died',
      );
      expect(danaSees.ended).toBe(false);
      expect(danaSees.error).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });

  it('moves to the subgraph a reloaded supergraph routes to, and reaches subscribers on every gateway once', async () => {
    const replica = await usersReplica(run, 0);
    // A gateway that routes users as its supergraph file says: first to the replica.
    const file = join(await mkdtemp(join(tmpdir(), 'supergraph-')), 'supergraph.graphql');
    const served = await readFile(join(ROOT, 'supergraph.graphql'), 'utf8');
    const routingUsersTo = (url: string) =>
      served.replace(/(USERS @join__graph\(name: "users", url: ")[^"]+/, `$1${url}`);
    await writeFile(file, routingUsersTo(replica.url));
    const others = subgraphUrls(run)
      .split(',')
      .filter((entry) => !entry.startsWith('users='))
      .join(',');
    const gateway = await extraGateway(stack, run, { SUPERGRAPH_FILE: file, SUBGRAPH_URLS: others });
    try {
      const dave = await newUser(run.client, 'dave');
      const onFileGateway = connect(gateway, dave.token).subscribe(ALERTS);
      const onFirstGateway = connect(run.gateway, dave.token).subscribe(ALERTS);
      await Promise.all([live(replica, 1), live(run.users, 1)]);
      const first = alert(dave.id);
      await bus.publish(alertRaised, first);
      await Promise.all([onFileGateway.take(1), onFirstGateway.take(1)]);

      await writeFile(file, routingUsersTo(run.users.url));
      await Promise.all([live(replica, 0), live(run.users, 2)]);
      const second = alert(dave.id);
      await bus.publish(alertRaised, second);
      await Promise.all([onFileGateway.take(2), onFirstGateway.take(2)]);
      // A witness subscribed last: once it has an event, the others would have had theirs twice.
      const witness = connect(run.gateway, dave.token).subscribe(ALERTS);
      await live(run.users, 3);
      const third = alert(dave.id);
      await bus.publish(alertRaised, third);
      await Promise.all([witness.take(1), onFileGateway.take(3), onFirstGateway.take(3)]);
      for (const subscription of [onFileGateway, onFirstGateway]) {
        expect(ids(subscription)).toEqual([first.id, second.id, third.id]);
        expect(subscription.results.every((r) => !r.errors)).toBe(true);
      }
    } finally {
      await replica.close();
    }
  });
});

// NATS JetStream where NATS_URL is set (.ci/run sets it to the local server).
(process.env.NATS_URL ? describe : describe.skip)('live subscriptions over NATS', () => {
  const natsUrl = process.env.NATS_URL!;
  const stack = new Stack();
  let run: Running;
  let bus: EventBus;

  beforeAll(async () => {
    run = await startStack(stack, { natsUrl });
    bus = await createEventBus({ natsUrl });
  });
  afterAll(async () => {
    await bus.close();
    await stack.close();
  });

  it('gets, after its subgraph restarts, the events published while it was away, in order, none flagged missed', async () => {
    const port = await freePort();
    let replica = await usersReplica(run, port, { NATS_URL: natsUrl });
    const gateway = await extraGateway(stack, run, {
      SUBGRAPH_URLS: subgraphUrls(run, { users: replica.url }),
      NATS_URL: natsUrl,
    });
    const erin = await newUser(run.client, 'erin');
    const connection = new TestConnection(gateway.url, erin.token);
    try {
      const erinSees = connection.subscribe(ALERTS);
      await live(replica, 1);
      const events = [alert(erin.id)];
      await bus.publish(alertRaised, events[0]!);
      await erinSees.take(1);

      await replica.close();
      // Published while no replica serves the subscription: one for someone else among them.
      for (let i = 0; i < 3; i++) events.push(alert(erin.id, `S${i}`));
      for (const event of events.slice(1)) await bus.publish(alertRaised, event);
      await bus.publish(alertRaised, alert(randomUUID()));
      replica = await usersReplica(run, port, { NATS_URL: natsUrl });
      await live(replica, 1);
      events.push(alert(erin.id));
      await bus.publish(alertRaised, events.at(-1)!);

      await erinSees.take(events.length);
      expect(ids(erinSees)).toEqual(events.map((e) => e.id));
      expect(erinSees.results.every((r) => !r.errors && !r.extensions)).toBe(true);
      expect(erinSees.ended).toBe(false);
    } finally {
      await connection.close();
      await replica.close();
    }
  });
});
