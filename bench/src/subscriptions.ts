// npm run bench:subscriptions — BENCH_SUBSCRIBERS users (default 200) each hold an
// `alertTriggered` subscription through the gateway (one upstream socket each), selecting fields
// of users (user.email) and of ingestion (ticker.feed); BENCH_ROUNDS rounds (default 10) publish
// one alert per user on the event bus. Prints the time to subscribe everyone, and the p50/p99 of
// publish-to-delivery latency and the delivered events per second.
import { randomUUID } from 'node:crypto';
import { createEventBus } from '@switchyard/kit';
import { pool } from '@switchyard/simulator';
import { GraphQLClient, metricOf, TestSubscription, waitFor } from '@switchyard/testing';
import { alertRaised } from '@switchyard/users/events';
import { benchStack } from './measure.js';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const QUERY = `subscription { alertTriggered {
  id kind price threshold user { email } ticker { symbol feed { provider } } } }`;

async function main() {
  const { stack, db, close } = await benchStack('switchyard_bench_subscriptions');
  const bus = await createEventBus({ databaseUrl: db });
  const client = new GraphQLClient(stack.gateway.url);
  const subscriptions: TestSubscription[] = [];
  try {
    const users: Array<{ id: string; token: string }> = [];
    await pool([...Array(SUBSCRIBERS).keys()], 8, async (i) => {
      const { register } = await client.data(
        'mutation($e: String!) { register(email: $e, password: "bench-password") { token user { id } } }',
        { e: `sub-${i}@switchyard.local` },
      );
      users[i] = { id: register.user.id, token: register.token };
    });

    let started = performance.now();
    for (const user of users) subscriptions.push(new TestSubscription(stack.gateway.url, QUERY, {}, user.token));
    await waitFor(
      async () => (await metricOf(stack.users.url, 'graphql_subscriptions_active')) === SUBSCRIBERS,
      120_000,
      'subscriptions',
    );
    const subscribeMs = performance.now() - started;

    const publishedAt = new Map<string, number>();
    started = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      for (const user of users) {
        const id = randomUUID();
        publishedAt.set(id, performance.now());
        await bus.publish(alertRaised, {
          id,
          userId: user.id,
          symbol: 'BENCH',
          kind: round % 2 ? 'LOW' : 'HIGH',
          price: 100 + round,
          threshold: 100,
          triggeredAt: new Date().toISOString(),
        });
      }
    }
    const total = SUBSCRIBERS * ROUNDS;
    const delivered = () => subscriptions.reduce((n, s) => n + s.results.length, 0);
    await waitFor(async () => delivered() >= total, 300_000, 'every event');
    const elapsedSec = (performance.now() - started) / 1000;

    const latencies: number[] = [];
    let failed = 0;
    for (const s of subscriptions) {
      s.results.forEach((result, i) => {
        if (result.errors?.length || !result.data) failed++;
        const id = result.data?.alertTriggered?.id as string | undefined;
        if (id && publishedAt.has(id)) latencies.push(s.receivedAt[i]! - publishedAt.get(id)!);
      });
    }
    latencies.sort((a, b) => a - b);
    const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;
    console.log(`subscribers: ${SUBSCRIBERS}, subscribed in ${(subscribeMs / 1000).toFixed(2)} s`);
    console.log(
      `events: ${total} delivered in ${elapsedSec.toFixed(2)} s (${Math.round(total / elapsedSec)}/s), ${failed} with errors`,
    );
    console.log(
      `publish → delivery (ms): p50 ${at(50).toFixed(1)}, p99 ${at(99).toFixed(1)}, max ${latencies.at(-1)!.toFixed(1)}`,
    );
  } finally {
    await Promise.all(subscriptions.map((s) => s.close()));
    await bus.close();
    await close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
