import { runService } from '@switchyard/kit';
import { sessionsEnv } from './env.js';
import { startSessions } from './service.js';

runService('sessions', sessionsEnv, startSessions);
