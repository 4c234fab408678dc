import type { EventBus, Logger } from '@switchyard/kit';
import type { NewReading, SensorTarget } from '@switchyard/sensors/readings';
import { readingsStored, sensorAlertRaised } from '@switchyard/sensors/events';

/**
 * After the commit: the readings stored now on `sensors.readings` (live tails), and each one
 * outside its sensor's normal range on `sensors.alerts`. Readings stored before (a batch sent
 * again) are not announced again. Live delivery is best effort; the readings are stored.
 */
export async function announceReadings(
  events: EventBus,
  stored: NewReading[],
  targets: Map<string, SensorTarget>,
  logger: Logger,
): Promise<void> {
  if (!stored.length) return;
  try {
    await events.publish(readingsStored, {
      readings: stored.map((r) => ({ sensorId: r.sensorId, at: r.at.toISOString(), value: r.value })),
    });
    for (const r of stored) {
      const target = targets.get(r.sensorId)!;
      const kind =
        target.normalMax !== null && r.value > target.normalMax
          ? 'HIGH'
          : target.normalMin !== null && r.value < target.normalMin
            ? 'LOW'
            : null;
      if (!kind) continue;
      await events.publish(sensorAlertRaised, {
        sensorId: r.sensorId,
        at: r.at.toISOString(),
        value: r.value,
        siteId: target.siteId,
        kind,
        normalMin: target.normalMin,
        normalMax: target.normalMax,
      });
    }
  } catch (error) {
    logger.error({ err: error }, 'stored readings not announced');
  }
}
