import { runService } from '@switchyard/kit';
import { cleanupEnv } from './env.js';
import { startCleanup } from './service.js';

runService('cleanup', cleanupEnv, startCleanup);
