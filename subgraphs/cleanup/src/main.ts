import { runSubgraph } from '@switchyard/kit';
import { cleanupEnv } from './env.js';
import { startCleanup } from './service.js';

runSubgraph('cleanup', cleanupEnv, startCleanup);
