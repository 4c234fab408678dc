// npm run bench:subscriptions — BENCH_SUBSCRIBERS (10,000) `alertTriggered` subscriptions over
// BENCH_CONNECTIONS (500) graphql-ws sockets to the gateway of `npm start`'s stack (each service its
// own process), for BENCH_USERS (100) distinct callers, each connection one caller's. Every
// subscriber has its own symbol, so each event on the bus is for exactly one of them (fanned out by
// the subgraph's filters). Events are published from this process on the stack's bus at BENCH_RATE
// (1,000/s) for BENCH_SECONDS (10), on PostgreSQL NOTIFY, or NATS JetStream with BENCH_EVENTS=nats
// (and NATS_URL); BENCH_FIELDS=user adds a field read from the database per event. Prints the time
// to subscribe all, delivered / lost / duplicated events, publish → `next` latency, the gateway's
// RSS (before, subscribed, after all left: watched until back under 1.10× its baseline or
// BENCH_SETTLE_SEC, 180) and its upstream sockets against the callers, then the targets, met or
// NOT met. BENCH_STACK_LOG=<file> keeps what the stack printed.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createEventBus } from '@switchyard/kit';
import { waitFor } from '@switchyard/testing';
import { cpuNow, cpuSpent, servicePid } from './cpu.js';
import { benchDatabase, scrapeMetric } from './measure.js';
import { percentiles } from './timing.js';
import { npmStartStack } from './npm-start.js';
import { Fleet } from './subscriptions/fleet.js';
import { gatewayRss, lowestRss, tcpConnectionsTo, upstreamSockets } from './subscriptions/observe.js';
import { Alerts, publishAtRate } from './subscriptions/publisher.js';
import { report } from './subscriptions/report.js';
import { activeIs, registerCallers, warmUp } from './subscriptions/setup.js';
import { numberSetting } from '@switchyard/cli';

const SUBSCRIBERS = numberSetting('BENCH_SUBSCRIBERS', 10_000, 1);
const CONNECTIONS = numberSetting('BENCH_CONNECTIONS', 500, 1);
const USERS = numberSetting('BENCH_USERS', 100, 1);
const RATE = numberSetting('BENCH_RATE', 1000, 1);
const SECONDS = numberSetting('BENCH_SECONDS', 10, 1);
const BUS = process.env.BENCH_EVENTS ?? 'postgres';
/** How long events may still arrive after the last publish, and memory may settle after all left. */
const DRAIN_MS = 30_000;
const SETTLE_MS = numberSetting('BENCH_SETTLE_SEC', 180) * 1000;
/** Progress, as it happens: a run at scale takes minutes. */
const say = (line: string) => console.log(`· ${line}`);

async function main() {
  const natsUrl = process.env.NATS_URL;
  if (BUS !== 'postgres' && !(BUS === 'nats' && natsUrl)) {
    throw new Error(`BENCH_EVENTS=${BUS}: want postgres (the default), or nats with NATS_URL set`);
  }
  if (!(USERS >= 1 && USERS <= CONNECTIONS && CONNECTIONS <= SUBSCRIBERS)) {
    throw new Error('want 1 ≤ BENCH_USERS ≤ BENCH_CONNECTIONS ≤ BENCH_SUBSCRIBERS');
  }
  const db = await benchDatabase('switchyard_bench_subscriptions');
  // The stack's bus is this process's (PostgreSQL on db, or NATS when asked), never one the shell names.
  delete process.env.REDIS_URL;
  delete process.env.MQTT_URL;
  delete process.env.NATS_URL;
  const token = randomBytes(16).toString('hex');
  const events: Record<string, string> = BUS === 'nats' ? { NATS_URL: natsUrl! } : {};
  const stack = await npmStartStack(db.url, {
    WARM_SPARES: 'false',
    DB_POOL_SIZE: '4',
    METRICS_TOKEN: token,
    ...events,
  });
  const bus = await createEventBus({ databaseUrl: db.url, natsUrl: events.NATS_URL });
  let leave = async () => {};
  try {
    const usersPort = Number(stack.ports.USERS_PORT);
    const gateway = (name: string) => scrapeMetric(stack.gatewayUrl, name, token);
    const users = (name: string) => scrapeMetric(`http://127.0.0.1:${usersPort}`, name, token);
    const tcpToUsers = async () => {
      const pid = servicePid(stack.stamps, 'gateway');
      return pid === undefined ? undefined : tcpConnectionsTo(pid, usersPort);
    };

    say(`stack up; registering ${USERS} callers`);
    const callers = await registerCallers(stack.gatewayUrl, USERS);
    await warmUp(stack.gatewayUrl, callers[0]!, bus, gateway, users);
    const { rss: baseline } = await lowestRss(gateway, 5_000);
    const usersHeapBefore = (await users('nodejs_heap_size_used_bytes')) ?? 0;

    say(`warm (one event through), baseline taken; ${SUBSCRIBERS} subscribers subscribe`);

    const plan = { subscribers: SUBSCRIBERS, connections: CONNECTIONS, callers };
    const alerts = new Alerts(plan);
    const total = Math.round(RATE * SECONDS);
    const fleet = new Fleet(stack.gatewayUrl, plan, alerts.index, total);
    leave = () => fleet.leave();
    const started = performance.now();
    fleet.subscribeAll();
    // All live, or every one that is not has failed (counted), or five minutes: a measurement either way.
    await waitFor(
      async () => ((await users('graphql_subscriptions_active')) ?? 0) + fleet.ended >= SUBSCRIBERS,
      300_000,
      'subscriptions',
    ).catch(() => undefined);
    const subscribeSeconds = (performance.now() - started) / 1000;
    const liveCount = (await users('graphql_subscriptions_active')) ?? 0;
    const subscribed = await gatewayRss(gateway);
    const usersHeap = (await users('nodejs_heap_size_used_bytes')) ?? 0;

    say(`users heap ${(usersHeapBefore / 2 ** 20).toFixed(0)} → ${(usersHeap / 2 ** 20).toFixed(0)} MB`);
    const socketsSubscribed = await upstreamSockets(gateway);
    const tcpSubscribed = await tcpToUsers();

    say(`${liveCount} live after ${subscribeSeconds.toFixed(1)} s; publishing ${total} events`);
    const cpuBefore = await cpuNow(stack.stamps, ['gateway', 'users']);
    const published = await publishAtRate(bus, alerts, total, RATE);
    await waitFor(async () => fleet.distinct >= published.published, DRAIN_MS, 'every event').catch(() => undefined);
    const cpuAfter = await cpuNow(stack.stamps, ['gateway', 'users']);
    say('published and drained; everyone leaves');
    const { lost, latencies } = fleet.outcome(published.sentAt);
    const afterEvents = await gatewayRss(gateway);

    const leaving = performance.now();
    await fleet.leave();
    const settled = await activeIs([gateway, users], 0, 60_000, 'everyone to leave').then(
      () => (performance.now() - leaving) / 1000,
      () => undefined,
    );
    const after = await lowestRss(gateway, SETTLE_MS, baseline * 1.1);
    report({
      subscribers: SUBSCRIBERS,
      connections: CONNECTIONS,
      callers: USERS,
      bus: BUS === 'nats' ? 'NATS JetStream' : 'PostgreSQL NOTIFY',
      live: liveCount,
      subscribeSeconds,
      rate: RATE,
      published,
      lost,
      duplicates: fleet.duplicates(),
      misrouted: fleet.misrouted,
      withErrors: fleet.withErrors,
      ended: fleet.ended,
      socketsClosed: fleet.socketsClosed,
      firstError: fleet.firstError,
      latency: percentiles(latencies),
      cpu: cpuSpent(cpuBefore, cpuAfter),
      rss: { baseline, subscribed, afterEvents, after },
      exits: stack.stamps.map(([, line]) => line).filter((line) => / exited \(/.test(line)),
      settledSeconds: settled,
      settleLimit: SETTLE_MS / 1000,
      sockets: {
        subscribed: socketsSubscribed,
        after: await upstreamSockets(gateway),
        tcpSubscribed,
        tcpAfter: await tcpToUsers(),
      },
    });
  } finally {
    await leave().catch(() => undefined);
    await bus.close();
    await stack.stop();
    if (process.env.BENCH_STACK_LOG) await writeFile(process.env.BENCH_STACK_LOG, stack.output());
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
