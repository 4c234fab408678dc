// The sensors subgraph on its own over a fresh database (no gateway, no users, no ingestion),
// called as the gateway would call it. Readings and analytics are seeded as ingestion writes them:
// through this package's own ways in (readings.ts, analytics.ts) on an entity manager of its database.
import { randomUUID } from 'node:crypto';
import { openDatabase, type Orm, type Viewer } from '@switchyard/kit';
import { type Alone, type AloneInFile, type GraphQLClient, useAlone, userViewer } from '@switchyard/testing';
import { entities, migrations } from '../entities.js';
import { service } from '../index.js';
import { insertReadings, type NewReading, prepareReadingPartitions } from '../readings.js';

export { userViewer } from '@switchyard/testing';

/** An API token as the gateway asserts it, with these scopes. */
export const tokenViewer = (scopes: string[]): Viewer => ({ kind: 'token', id: randomUUID(), role: null, scopes });

export interface Sensors {
  alone: Alone;
  /** A plain SQL client on its database, for independent checks. */
  sql: AloneInFile['sql'];
  /** Its database as ingestion opens it, to call this package's ways in. */
  orm: Orm;
  /** A client calling as an ADMIN. */
  admin: GraphQLClient;
  /** A client calling as a new user. */
  user(): Promise<GraphQLClient>;
  /** Stores readings as ingestion does (`@switchyard/sensors/readings`). */
  store(readings: NewReading[]): ReturnType<typeof insertReadings>;
}

/** Starts sensors alone before the calling file's tests and closes it after them. */
export function useSensors(): Sensors {
  const running = useAlone('sensors', service);
  const sensors = {
    user: () => sensors.alone.as(userViewer(randomUUID())),
    store: async (readings: NewReading[]) => {
      await prepareReadingPartitions(
        sensors.orm.em.fork(),
        readings.map((r) => r.at),
      );
      return insertReadings(sensors.orm.em.fork(), readings);
    },
  } as Sensors;
  beforeAll(async () => {
    const orm = await openDatabase({ url: running.alone.db, schema: 'sensors', entities, migrations });
    Object.assign(sensors, running, { orm, admin: await running.alone.as(userViewer(randomUUID(), 'ADMIN')) });
  });
  afterAll(() => sensors.orm?.close());
  return sensors;
}

/** `{ sensorCode, at, value }` readings (as ingestion is sent them) for the sensors in `ids`. */
export const newReadings = (
  ids: Record<string, string>,
  readings: Array<{ sensorCode: string; at: string; value: number }>,
) => readings.map((r) => ({ sensorId: ids[r.sensorCode]!, at: new Date(r.at), value: r.value }));
