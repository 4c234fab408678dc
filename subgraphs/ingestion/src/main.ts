// First: tracing (when configured) must patch modules before anything loads them.
import '@switchyard/kit/telemetry';
import { runService } from '@switchyard/kit';
import { ingestionEnv } from './env.js';
import { startIngestion } from './service.js';

runService('ingestion', ingestionEnv, startIngestion);
