// What the event bus tests share: a topic of their own per run (the NATS server and Redis are
// shared and keep running), a bus per back end, a publisher in another process, a collector.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createEventBus, type EventBusOptions, type EventMeta, type SubscribeOptions, topic, z } from '../index.js';
import type { EventBus } from '../index.js';

export type Backend = 'postgres' | 'redis' | 'nats';
export type Alert = { id: string; note?: string };

/** A name no earlier run used: events of earlier (or concurrent) runs never reach this one. */
export const runName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

export const alertsTopic = () => topic(runName('alerts'), z.object({ id: z.string(), note: z.string().optional() }));

export const optionsFor = (backend: Backend, url: string): EventBusOptions =>
  backend === 'nats' ? { natsUrl: url } : backend === 'redis' ? { redisUrl: url } : { databaseUrl: url };

export const busFor = (backend: Backend, url: string) => createEventBus(optionsFor(backend, url));

const FIXTURE = join(__dirname, 'fixtures', 'publish-event.cjs');
export const publishFromAnotherProcess = (backend: Backend, url: string, name: string, payload: unknown) =>
  promisify(execFile)(process.execPath, [FIXTURE, backend, url, name, JSON.stringify(payload)]);

/** Collects what a subscription receives, with where each event stands. */
export async function collect(
  bus: EventBus,
  alerts: ReturnType<typeof alertsTopic>,
  options?: SubscribeOptions,
  handle?: () => Promise<void>,
) {
  const received: Alert[] = [];
  const metas: EventMeta[] = [];
  const unsubscribe = await bus.subscribe(
    alerts,
    async (event, meta) => {
      received.push(event);
      metas.push(meta);
      await handle?.();
    },
    options,
  );
  return { received, metas, ids: () => received.map((e) => e.id), unsubscribe };
}
