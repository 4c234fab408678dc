import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Test databases are named so, and carry their creation time as their comment: global setup drops
 * those a previous run left behind, hours old, and never those of a run going on beside it.
 */
export const TEST_DATABASE_PREFIX = 'switchyard_test_';

/**
 * A real, empty PostgreSQL database of the calling test file's own, on TEST_DATABASE_URL's
 * server: a new name every time, so nothing a previous file left running can reach it.
 * Services opened on it apply their own migrations.
 */
export async function freshDatabase(label = 'db'): Promise<string> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) throw new Error('TEST_DATABASE_URL is unset: run tests through jest (its global setup provides one)');
  const name = `${TEST_DATABASE_PREFIX}${process.env.JEST_WORKER_ID ?? '0'}_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
    await admin.query(`comment on database "${name}" is '${Date.now()}'`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A plain pg client on a test database, for seeding and for checks made independently of the code under test. */
export async function sqlClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // A server-side end of the connection must not become an unhandled error in the test.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

const ROLLBACK = Symbol('rolled back');

/**
 * Runs `test` in a transaction that is rolled back afterwards, whatever it did: a test's rows
 * never reach the next test on the same database (per-test isolation without a new database).
 */
export async function rolledBack<E extends { transactional<T>(work: (em: E) => Promise<T>): Promise<T> }>(
  em: E,
  test: (em: E) => Promise<void>,
): Promise<void> {
  try {
    await em.transactional(async (inner) => {
      await test(inner);
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
}
