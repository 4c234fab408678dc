import type { EventBus } from '@switchyard/kit';
import { pool } from '@switchyard/simulator';
import { GraphQLClient, waitFor } from '@switchyard/testing';
import { type Caller, Fleet } from './fleet.js';
import type { Scrape } from './observe.js';
import { Alerts, publishAtRate } from './publisher.js';

/** `count` distinct callers, registered through the gateway four at a time (argon2 is slow). */
export async function registerCallers(gatewayUrl: string, count: number): Promise<Caller[]> {
  const client = new GraphQLClient(gatewayUrl);
  const callers: Caller[] = [];
  await pool([...Array(count).keys()], 4, async (i) => {
    const email = `sub-${i}@switchyard.local`;
    const { register } = await client.data(
      'mutation($e: String!) { register(email: $e, password: "bench-password") { token user { id } } }',
      { e: email },
    );
    callers[i] = { id: register.user.id, email, token: register.token };
  });
  return callers;
}

/** Waits until every service's `graphql_subscriptions_active` reads `count`. */
export const activeIs = (services: Scrape[], count: number, timeoutMs: number, what: string) =>
  waitFor(
    async () => (await Promise.all(services.map((s) => s('graphql_subscriptions_active')))).every((n) => n === count),
    timeoutMs,
    what,
  );

/**
 * One subscriber, one event through the whole path, then gone: the gateway has built what its
 * first WebSocket operation builds (its own planner over the supergraph), so the baseline RSS is
 * a warm gateway's, and a stack that cannot deliver at all fails here, before the measured run.
 */
export async function warmUp(gatewayUrl: string, caller: Caller, bus: EventBus, gateway: Scrape, users: Scrape) {
  const plan = { subscribers: 1, connections: 1, callers: [caller] };
  const alerts = new Alerts(plan);
  const fleet = new Fleet(gatewayUrl, plan, alerts.index, 1);
  fleet.subscribeAll();
  await activeIs([users], 1, 60_000, 'the warm-up subscription');
  await publishAtRate(bus, alerts, 1, 1);
  await waitFor(async () => fleet.distinct === 1 || fleet.ended > 0, 30_000, 'the warm-up event');
  if (fleet.withErrors || fleet.ended) throw new Error(`the warm-up subscription failed: ${fleet.firstError}`);
  await fleet.leave();
  await activeIs([gateway, users], 0, 60_000, 'the warm-up subscriber to leave');
}
