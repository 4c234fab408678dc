export { startSessions } from './service.js';
export { sessionsEnv, type SessionsEnv } from './env.js';
export { buildSessionsSchema } from './schema.js';
