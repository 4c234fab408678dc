// First: tracing (when configured) must patch modules before anything loads them.
import '@switchyard/kit/telemetry';
import { runService } from '@switchyard/kit';
import { usersEnv } from './env.js';
import { startUsers } from './service.js';

runService('users', usersEnv, startUsers);
