// Gives the test run one PostgreSQL server: TEST_DATABASE_URL when set, else an embedded one
// in a temporary directory on a free port. Each jest worker then makes its own databases on it.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) {
    await dropLeftovers(process.env.TEST_DATABASE_URL);
    return;
  }
  // npm test builds first, so the compiled helpers are there.
  const { startEmbeddedPostgres } = require('../kit/dist/embedded.js');
  const { freePort } = require('./dist/services.js');
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-test-pg-'));
  const port = await freePort();
  const pg = await startEmbeddedPostgres({ dataDir, port, database: 'postgres' });
  process.env.TEST_DATABASE_URL = pg.url;
  globalThis.__SWITCHYARD_PG__ = pg;
}

/** Test databases of earlier runs on a shared server (each test file makes its own), two hours old. */
async function dropLeftovers(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select datname, shobj_description(oid, 'pg_database') as made from pg_database
       where datname like 'switchyard\\_test\\_%'`,
    );
    const old = Date.now() - 2 * 3600_000;
    for (const { datname, made } of rows) {
      if (!(Number(made) > old)) await client.query(`drop database if exists "${datname}" with (force)`);
    }
  } finally {
    await client.end();
  }
}
