import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventBus, Logger } from '@switchyard/kit';
import { insertReadings, withReadingPartitions } from '@switchyard/sensors/readings';
import { announceReadings } from './announce.js';
import { checkReadings, type IncomingReading, type Rejection, storableInstants } from './check.js';

export interface Stored {
  /** Readings stored now. */
  accepted: number;
  /** Valid readings already stored before (same sensor and instant). */
  duplicates: number;
  rejected: Rejection[];
}

/**
 * Stores readings as one unit: their weeks' partitions made first, then in one transaction each
 * reading checked (`messageOf`: see checkReadings) and the valid ones stored through the sensors
 * domain, with `within` (a batch's own bookkeeping) in that transaction; after the commit they
 * are announced. `within` may return a result instead, and nothing is stored (a batch sent again).
 */
export async function storeReadings<R = Stored>(
  em: EntityManager,
  events: EventBus,
  logger: Logger,
  readings: IncomingReading[],
  messageOf: readonly number[] | undefined,
  within: (tx: EntityManager, store: () => Promise<Stored>) => Promise<R> = (_tx, store) => store() as Promise<R>,
): Promise<R> {
  let announce = async () => {};
  const result = await withReadingPartitions(em, storableInstants(readings), () =>
    em.fork().transactional((tx) =>
      within(tx, async () => {
        const { valid, rejected, twins, targets } = await checkReadings(tx, readings, messageOf);
        const stored = await insertReadings(tx, valid, targets);
        announce = () => announceReadings(events, stored, targets, logger);
        return { accepted: stored.stored.length, duplicates: valid.length - stored.stored.length + twins, rejected };
      }),
    ),
  );
  await announce();
  return result;
}
