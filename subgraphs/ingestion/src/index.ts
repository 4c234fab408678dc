import type { SubgraphPackage } from '@switchyard/kit';
import { startIngestion } from './service.js';
import { ingestionEnv } from './env.js';
export { startIngestion } from './service.js';
export { ingestionEnv, type IngestionEnv } from './env.js';
export { buildIngestionSchema } from './schema.js';
export { evaluate, sideOf, type Side } from './alerts/evaluate.js';

/** For whoever runs subgraphs from the registry (supergraph.yaml). */
export const service = { env: ingestionEnv, start: startIngestion } satisfies SubgraphPackage<typeof ingestionEnv>;
