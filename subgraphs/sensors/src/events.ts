// Events of the sensors domain; ingestion publishes them, this subgraph's subscriptions serve them
// (`@switchyard/sensors/events`).
import { topic, z } from '@switchyard/kit';

const reading = z.object({ sensorId: z.uuid(), at: z.string(), value: z.number() });

/**
 * Readings just stored, a batch (or an MQTT micro-batch) at a time: per sensor, its instants (ms
 * since the epoch) and values side by side, a compact form for batches of thousands.
 */
export const readingsStored = topic(
  'sensors.stored-readings',
  z.object({
    sensors: z.array(z.object({ sensorId: z.uuid(), at: z.array(z.number()), value: z.array(z.number()) })),
  }),
);

const alert = reading.extend({
  siteId: z.uuid(),
  kind: z.enum(['HIGH', 'LOW']),
  normalMin: z.number().nullable(),
  normalMax: z.number().nullable(),
});

/** Stored readings outside their sensors' normal ranges, a batch's at a time, oldest first. */
export const sensorAlertsRaised = topic('sensors.raised-alerts', z.object({ alerts: z.array(alert) }));
