import pg from 'pg';

/**
 * A real, empty PostgreSQL database for the calling test file: dropped and created again,
 * one name per jest worker, so files running in parallel never share data.
 * Services opened on it apply their own migrations. A `label` gives a file a second database.
 */
export async function freshDatabase(label?: string): Promise<string> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) throw new Error('TEST_DATABASE_URL is unset: run tests through jest (its global setup provides one)');
  const name = `switchyard_test_${process.env.JEST_WORKER_ID ?? '0'}${label ? `_${label}` : ''}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.query(`create database "${name}"`);
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
  await client.connect();
  return client;
}
