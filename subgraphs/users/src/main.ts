import { createLogger, loadEnv, startEmbeddedPostgres, stopOnSignals } from '@switchyard/kit';
import { usersEnv } from './env.js';
import { startUsers } from './service.js';

async function main() {
  const env = loadEnv(usersEnv);
  const logger = createLogger('users', env.LOG_LEVEL);
  const embedded = env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ dataDir: env.DATA_DIR, port: env.EMBEDDED_PG_PORT });
  const service = await startUsers({ ...env, DATABASE_URL: env.DATABASE_URL ?? embedded!.url }, logger);
  stopOnSignals(logger, async () => {
    await service.close();
    await embedded?.stop();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
