// Run as root, the embedded PostgreSQL runs as the `postgres` user: a folder it cannot enter on
// the way to its data is named at once, not found later as initdb's bare EACCES.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../embedded.js';

const asRoot = process.getuid?.() === 0;

(asRoot ? it : it.skip)('says which folder the postgres user cannot enter', async () => {
  const closed = await mkdtemp(join(tmpdir(), 'closed-'));
  try {
    await chmod(closed, 0o700);
    // Port 1 is never a PostgreSQL to reuse.
    await expect(startEmbeddedPostgres({ dataDir: join(closed, 'data'), port: 1 })).rejects.toThrow(
      `the postgres user, which cannot enter ${closed}`,
    );
  } finally {
    await rm(closed, { recursive: true, force: true });
  }
});
