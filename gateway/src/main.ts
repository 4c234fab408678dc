import { createLogger, loadEnv, stopOnSignals } from '@switchyard/kit';
import { gatewayEnv } from './env.js';
import { startGateway } from './gateway.js';

async function main() {
  const env = loadEnv(gatewayEnv);
  const logger = createLogger('gateway', env.LOG_LEVEL);
  const service = await startGateway(env, logger);
  stopOnSignals(logger, () => service.close());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
