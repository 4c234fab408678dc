// Runs embedded PostgreSQL for `npm start` in a process of its own. start.js spawns it in its
// own process group, so Ctrl-C in the terminal does not stop the database under services that
// are still draining; start.js stops it last. It also stops when start.js goes away, and exits
// (for start.js to start it again) when the postgres server dies under it.
'use strict';
const { startEmbeddedPostgres } = require('../packages/kit/dist/index.js');

async function main() {
  const pg = await startEmbeddedPostgres({
    dataDir: process.env.DATA_DIR,
    port: Number(process.env.EMBEDDED_PG_PORT),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await pg.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  void pg.exited.then(() => {
    if (stopping) return;
    console.error('embedded PostgreSQL exited');
    process.exit(1);
  });
  process.send({ url: pg.url });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
