import { runSubgraph } from '@switchyard/kit';
import { ingestionEnv } from './env.js';
import { startIngestion } from './service.js';

runSubgraph('ingestion', ingestionEnv, startIngestion);
