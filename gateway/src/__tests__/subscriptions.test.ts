import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventBus, type EventBus } from '@switchyard/kit';
import { alertRaised } from '@switchyard/users/events';
import { freePort, Stack, TestSubscription, waitFor } from '@switchyard/testing';
import { WebSocket, WebSocketServer } from 'ws';
import { extraGateway, loginAdmin, metricOf, newUser, type Running, startStack } from './stack.js';

const WATCH = 'mutation($s: String!, $h: Float!, $l: Float!) { watch(symbol: $s, high: $h, low: $l) { high } }';
const FULL = `subscription { alertTriggered {
  kind price threshold user { email } ticker { symbol feed { provider circuit } } } }`;

describe('alertTriggered through the gateway', () => {
  const stack = new Stack();
  let run: Running;
  let bus: EventBus;
  const open: TestSubscription[] = [];
  const subscribe = (query: string, token?: string, variables: Record<string, unknown> = {}) => {
    const subscription = new TestSubscription(run.gateway.url, query, variables, token);
    open.push(subscription);
    return subscription;
  };
  /** Subscriptions are live once the users subgraph counts them. */
  const live = (count: number) =>
    waitFor(async () => (await metricOf(run.users, 'graphql_subscriptions_active')) === count, 30_000, `${count} live`);

  beforeAll(async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'replay-')), 'prices.csv');
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
    await writeFile(file, ['date,symbol,price', ...[100, 120, 80, 100].map((p, i) => `${at(i)},ACME,${p}`)].join('\n'));
    run = await startStack(stack, {
      ingestion: { MARKET_PROVIDER: 'replay', REPLAY_FILE: file },
      gateway: { SUBSCRIPTION_RECHECK_SEC: '0.5' },
    });
    bus = await createEventBus({ databaseUrl: run.db });
  });
  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await bus.close();
    await stack.close();
  });

  it("gives each user their own alerts and an admin everyone's, with other subgraphs' fields resolved per event", async () => {
    const alice = await newUser(run.client, 'alice');
    const bob = await newUser(run.client, 'bob');
    await run.client.as(alice.token).data(WATCH, { s: 'ACME', h: 110, l: 90 });
    await run.client.as(bob.token).data(WATCH, { s: 'ACME', h: 115, l: 50 });
    const adminToken = await loginAdmin(run.client);

    const aliceSees = subscribe(FULL, alice.token);
    const bobSees = subscribe('subscription { alertTriggered(symbol: "ACME") { kind price } }', bob.token);
    const adminSees = subscribe('subscription { alertTriggered { kind who: user { email } } }', adminToken);
    const bobForgets = subscribe('subscription { alertTriggered(symbol: "OTHER") { kind } }', bob.token);
    await live(4);

    const admin = run.client.as(adminToken);
    for (let i = 0; i < 4; i++) await admin.data('mutation { collectNow { error } }');

    const feed = { symbol: 'ACME', feed: { provider: 'replay', circuit: 'CLOSED' } };
    expect(await aliceSees.take(2)).toEqual([
      {
        data: {
          alertTriggered: { kind: 'HIGH', price: 120, threshold: 110, user: { email: alice.email }, ticker: feed },
        },
      },
      {
        data: { alertTriggered: { kind: 'LOW', price: 80, threshold: 90, user: { email: alice.email }, ticker: feed } },
      },
    ]);
    expect(await bobSees.take(1)).toEqual([{ data: { alertTriggered: { kind: 'HIGH', price: 120 } } }]);
    const everyone = (await adminSees.take(3)).map(
      (r) => `${r.data!.alertTriggered.kind} ${r.data!.alertTriggered.who.email}`,
    );
    expect(everyone.sort()).toEqual([`HIGH ${alice.email}`, `HIGH ${bob.email}`, `LOW ${alice.email}`].sort());
    // Nothing else came meanwhile: the next event each one gets is the marker published now (one
    // channel, in order); bob's OTHER subscription gets only its own.
    const marker = (userId: string, symbol: string) => ({
      id: randomUUID(),
      userId,
      symbol,
      kind: 'LOW' as const,
      price: 1,
      threshold: 2,
      triggeredAt: new Date().toISOString(),
    });
    await bus.publish(alertRaised, marker(alice.id, 'ACME'));
    await bus.publish(alertRaised, marker(bob.id, 'OTHER'));
    expect((await aliceSees.take(3))[2]!.data!.alertTriggered).toMatchObject({ kind: 'LOW', price: 1 });
    expect(await bobForgets.take(1)).toEqual([{ data: { alertTriggered: { kind: 'LOW' } } }]);
    expect((await adminSees.take(5)).slice(3).map((r) => r.data!.alertTriggered.who.email)).toEqual([
      alice.email,
      bob.email,
    ]);
    expect(bobSees.results).toHaveLength(1);

    // Closing the sockets ends the subgraph's subscriptions too.
    await Promise.all([aliceSees, bobSees, adminSees, bobForgets].map((s) => s.close()));
    await live(0);
  });

  it('refuses callers without a token and users asking for the alerts of others with codes; runs queries too', async () => {
    const carol = await newUser(run.client, 'carol');
    const anonymous = subscribe('subscription { alertTriggered { kind } }');
    const nosy = subscribe('subscription($u: ID) { alertTriggered(userId: $u) { kind } }', carol.token, {
      u: randomUUID(),
    });
    await Promise.all([anonymous.untilEnded(), nosy.untilEnded()]);
    expect(anonymous.results.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(nosy.results.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(['FORBIDDEN']);
    // A query over the socket is planned and run like one over HTTP: one result, then the end.
    const query = subscribe('{ me { email watchlist { ticker { symbol } } } }', carol.token);
    await query.untilEnded();
    expect(query.results).toEqual([{ data: { me: { email: carol.email, watchlist: [] } } }]);
    const invalid = subscribe('subscription { alertTriggered { nope } }', carol.token);
    await invalid.untilEnded();
    expect((invalid.error as Array<{ extensions: { code: string } }>)[0]!.extensions.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
  });

  it("ends a subscription when its session ends, and a subgraph that fails costs only that subgraph's fields", async () => {
    const dave = await newUser(run.client, 'dave');
    const event = (kind: 'HIGH' | 'LOW') => ({
      id: randomUUID(),
      userId: dave.id,
      symbol: 'ACME',
      kind,
      price: 1,
      threshold: 2,
      triggeredAt: new Date().toISOString(),
    });
    const daveSees = subscribe(FULL, dave.token);
    const daveWaits = subscribe('subscription { alertTriggered(symbol: "QUIET") { kind } }', dave.token);
    await live(2);

    await run.ingestion.close();
    await bus.publish(alertRaised, event('LOW'));
    const [partial] = await daveSees.take(1);
    expect(partial!.data).toEqual({
      alertTriggered: {
        kind: 'LOW',
        price: 1,
        threshold: 2,
        user: { email: dave.email },
        ticker: { symbol: 'ACME', feed: null },
      },
    });
    // As over HTTP: the failed fetch is reported beside the data.
    expect(partial!.errors).toEqual([
      expect.objectContaining({
        message: 'the ingestion subgraph is unavailable (ECONNREFUSED)',
        extensions: { code: 'UNAVAILABLE', serviceName: 'ingestion' },
      }),
    ]);

    await run.client
      .as(dave.token)
      .data(
        'mutation { changePassword(currentPassword: "correct-horse-battery", newPassword: "another-long-one") { token } }',
      );
    await bus.publish(alertRaised, event('HIGH'));
    await daveSees.untilEnded();
    expect(daveSees.results.slice(1).map((r) => r.errors?.[0]?.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    // No event for this one: the periodic check ends it.
    await daveWaits.untilEnded();
    expect(daveWaits.results.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    await live(0);
  });

  it('answers a bad operation with an error, not a closed socket, and survives callers leaving mid-connect', async () => {
    const erin = await newUser(run.client, 'erin');
    const conditional = subscribe(
      'subscription($x: Boolean!) { alertTriggered @include(if: $x) { kind } }',
      erin.token,
      {
        x: true,
      },
    );
    await conditional.untilEnded();
    expect((conditional.error as Array<{ extensions: { code: string } }>)[0]!.extensions.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );

    // A users subgraph that takes the socket and never answers.
    const port = await freePort();
    const hung = new WebSocketServer({ port, host: '127.0.0.1' });
    const upstream: WebSocket[] = [];
    hung.on('connection', (socket) => upstream.push(socket));
    const gateway = await extraGateway(stack, run, {
      SUBGRAPH_URLS: `users=http://127.0.0.1:${port}/graphql,ingestion=${run.ingestion.url}`,
    });
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const leaving = new TestSubscription(gateway.url, 'subscription { alertTriggered { kind } }', {}, erin.token);
      await waitFor(async () => upstream.length === 1, 30_000, 'the upstream socket');
      await leaving.close();
      await waitFor(async () => upstream[0]!.readyState === WebSocket.CLOSED, 30_000, 'the upstream socket to close');
      expect((await fetch(`${new URL(gateway.url).origin}/health`)).status).toBe(200);
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
      hung.close();
    }
  });
});
