import type { SubgraphPackage } from '@switchyard/kit';
import { startSessions } from './service.js';
import { sessionsEnv } from './env.js';
export { startSessions } from './service.js';
export { sessionsEnv, type SessionsEnv } from './env.js';
export { buildSessionsSchema } from './schema.js';

/** For whoever runs subgraphs from the registry (supergraph.yaml). */
export const service = { env: sessionsEnv, start: startSessions } satisfies SubgraphPackage<typeof sessionsEnv>;
