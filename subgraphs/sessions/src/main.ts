// First: tracing (when configured) must patch modules before anything loads them.
import '@switchyard/kit/telemetry';
import { runService } from '@switchyard/kit';
import { sessionsEnv } from './env.js';
import { startSessions } from './service.js';

runService('sessions', sessionsEnv, startSessions);
