export { startCleanup } from './service.js';
export { cleanupEnv, type CleanupEnv } from './env.js';
export { buildCleanupSchema } from './schema.js';
