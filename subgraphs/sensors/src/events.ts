// Events of the sensors domain; ingestion publishes them, this subgraph's subscriptions serve them
// (`@switchyard/sensors/events`).
import { topic, z } from '@switchyard/kit';

const reading = z.object({ sensorId: z.uuid(), at: z.string(), value: z.number() });

/**
 * Readings just stored, a batch (or an MQTT micro-batch) at a time: per sensor, its instants and
 * values side by side, a compact form for batches of thousands. Instants are ms `after` the
 * batch's earliest (`since`, ms since the epoch): short numbers, quick to write and to read. The
 * earlier form, `at` as ms since the epoch, is still taken (from an ingestion of a release before
 * 2026-12-05's third, during a rolling update; or kept for a subscriber's replay).
 */
export const readingsStored = topic(
  'sensors.stored-readings',
  z.union([
    z.object({
      since: z.number(),
      sensors: z.array(z.object({ sensorId: z.uuid(), after: z.array(z.number()), value: z.array(z.number()) })),
    }),
    z.object({
      sensors: z.array(z.object({ sensorId: z.uuid(), at: z.array(z.number()), value: z.array(z.number()) })),
    }),
  ]),
);

/** A stored-readings event's sensor's instants, in ms since the epoch, whichever its form. */
export function storedInstants(event: z.infer<typeof readingsStored.schema>, index: number): number[] {
  if ('since' in event) return event.sensors[index]!.after.map((after) => event.since + after);
  return event.sensors[index]!.at;
}

const alert = reading.extend({
  siteId: z.uuid(),
  kind: z.enum(['HIGH', 'LOW']),
  normalMin: z.number().nullable(),
  normalMax: z.number().nullable(),
});

/** Stored readings outside their sensors' normal ranges, a batch's at a time, oldest first. */
export const sensorAlertsRaised = topic('sensors.raised-alerts', z.object({ alerts: z.array(alert) }));
