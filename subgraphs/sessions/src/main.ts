import { runSubgraph } from '@switchyard/kit';
import { sessionsEnv } from './env.js';
import { startSessions } from './service.js';

runSubgraph('sessions', sessionsEnv, startSessions);
