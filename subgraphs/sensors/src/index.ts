export { startSensors } from './service.js';
export { sensorsEnv, type SensorsEnv } from './env.js';
export { buildSensorsSchema } from './schema.js';
