import type { EventBus, Logger } from '@switchyard/kit';
import { readingsStored, sensorAlertsRaised } from '@switchyard/sensors/events';
import type { NewReading, SensorTarget, StoredAlert } from '@switchyard/sensors/readings';

/**
 * After the commit: the readings stored now on `sensors.readings` (live tails), and the alerts
 * stored with them, in one event on `sensors.raised-alerts`. Readings stored before (a batch sent again) are not
 * announced again. Live delivery is best effort; readings and alerts are stored.
 */
export async function announceReadings(
  events: EventBus,
  { stored, alerts }: { stored: NewReading[]; alerts: StoredAlert[] },
  targets: Map<string, SensorTarget>,
  logger: Logger,
): Promise<void> {
  if (!stored.length) return;
  try {
    let since = Infinity;
    for (const r of stored) since = Math.min(since, r.at.getTime());
    const bySensor = new Map<string, { sensorId: string; after: number[]; value: number[] }>();
    for (const r of stored) {
      let sensor = bySensor.get(r.sensorId);
      if (!sensor) bySensor.set(r.sensorId, (sensor = { sensorId: r.sensorId, after: [], value: [] }));
      sensor.after.push(r.at.getTime() - since);
      sensor.value.push(r.value);
    }
    await events.publish(readingsStored, { since, sensors: [...bySensor.values()] });
    if (alerts.length) {
      await events.publish(sensorAlertsRaised, {
        alerts: alerts.map((alert) => ({
          ...alert,
          at: alert.at.toISOString(),
          siteId: targets.get(alert.sensorId)!.siteId,
        })),
      });
    }
  } catch (error) {
    logger.error({ err: error }, 'stored readings not announced');
  }
}
