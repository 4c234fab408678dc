import type { SubgraphPackage } from '@switchyard/kit';
import { startCleanup } from './service.js';
import { cleanupEnv } from './env.js';
export { startCleanup } from './service.js';
export { cleanupEnv, type CleanupEnv } from './env.js';
export { buildCleanupSchema } from './schema.js';

/** For whoever runs subgraphs from the registry (supergraph.yaml). */
export const service = { env: cleanupEnv, start: startCleanup } satisfies SubgraphPackage<typeof cleanupEnv>;
