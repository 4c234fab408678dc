export { startIngestion } from './service.js';
export { ingestionEnv, type IngestionEnv } from './env.js';
export { buildIngestionSchema } from './schema.js';
export { evaluate, sideOf, type Side } from './alerts/evaluate.js';
