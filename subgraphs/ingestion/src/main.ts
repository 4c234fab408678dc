import { runService } from '@switchyard/kit';
import { ingestionEnv } from './env.js';
import { startIngestion } from './service.js';

runService('ingestion', ingestionEnv, startIngestion);
