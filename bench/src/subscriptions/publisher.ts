import { randomUUID } from 'node:crypto';
import type { EventBus } from '@switchyard/kit';
import { alertRaised } from '@switchyard/users/events';
import { callerOf, type Plan, symbolOf } from './fleet.js';

/**
 * The events of one run: event i is an alert for subscriber i mod N's caller and symbol, and its
 * id carries i (a valid v4 UUID: this run's random prefix, then i in the last 12 hex digits), so
 * an arrival names its event without a lookup table, and another run's events are not counted.
 */
export class Alerts {
  private readonly prefix = randomUUID().slice(0, 24);

  constructor(private readonly plan: Plan) {}

  id(i: number): string {
    return this.prefix + i.toString(16).padStart(12, '0');
  }

  index = (id: string): number | undefined =>
    id.startsWith(this.prefix) ? Number.parseInt(id.slice(this.prefix.length), 16) : undefined;

  payload(i: number) {
    const s = i % this.plan.subscribers;
    return {
      id: this.id(i),
      userId: callerOf(this.plan, s).id,
      symbol: symbolOf(s),
      kind: 'HIGH' as const,
      price: 101 + (i % 50),
      threshold: 100,
      triggeredAt: new Date().toISOString(),
    };
  }
}

export interface Published {
  /** When each event was handed to the bus (performance.now()); NaN if its publish failed. */
  sentAt: Float64Array;
  published: number;
  failed: number;
  /** From the first send until the last publish settled. */
  seconds: number;
  firstError?: string;
}

/**
 * Publishes `total` events at `rate` per second on a schedule (event i is due at start + i/rate,
 * and whatever is due is sent when the timer wakes), so a late timer or a slow publish does not
 * push every later event back. Publishes are not awaited one by one: the bus's own pool queues
 * them, and that queueing counts in the latency, as a producer's backlog would.
 */
export async function publishAtRate(bus: EventBus, alerts: Alerts, total: number, rate: number): Promise<Published> {
  const sentAt = new Float64Array(total);
  const settled: Array<Promise<void>> = [];
  let failed = 0;
  let firstError: string | undefined;
  const send = (i: number) => {
    sentAt[i] = performance.now();
    settled.push(
      bus.publish(alertRaised, alerts.payload(i)).catch((error: unknown) => {
        sentAt[i] = Number.NaN;
        failed++;
        firstError ??= String(error);
      }),
    );
  };
  const interval = 1000 / rate;
  const start = performance.now();
  let i = 0;
  while (i < total) {
    const now = performance.now();
    while (i < total && start + i * interval <= now) send(i++);
    if (i < total) await new Promise((r) => setTimeout(r, Math.max(0, start + i * interval - performance.now())));
  }
  await Promise.all(settled);
  return { sentAt, published: total - failed, failed, seconds: (performance.now() - start) / 1000, firstError };
}
