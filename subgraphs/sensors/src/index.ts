import type { SubgraphPackage } from '@switchyard/kit';
import { startSensors } from './service.js';
import { sensorsEnv } from './env.js';
export { startSensors } from './service.js';
export { sensorsEnv, type SensorsEnv } from './env.js';
export { buildSensorsSchema } from './schema.js';

/** For whoever runs subgraphs from the registry (supergraph.yaml). */
export const service = { env: sensorsEnv, start: startSensors } satisfies SubgraphPackage<typeof sensorsEnv>;
