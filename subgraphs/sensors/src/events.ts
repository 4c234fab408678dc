// Events of the sensors domain; ingestion publishes them, this subgraph's subscriptions serve them
// (`@switchyard/sensors/events`).
import { topic, z } from '@switchyard/kit';

const reading = z.object({ sensorId: z.uuid(), at: z.string(), value: z.number() });

/** Readings just stored, a batch (or an MQTT message) at a time. */
export const readingsStored = topic('sensors.readings', z.object({ readings: z.array(reading) }));

/** A stored reading outside its sensor's normal range. */
export const sensorAlertRaised = topic(
  'sensors.alerts',
  reading.extend({
    siteId: z.uuid(),
    kind: z.enum(['HIGH', 'LOW']),
    normalMin: z.number().nullable(),
    normalMax: z.number().nullable(),
  }),
);
