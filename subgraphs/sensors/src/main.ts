// First: tracing (when configured) must patch modules before anything loads them.
import '@switchyard/kit/telemetry';
import { runService } from '@switchyard/kit';
import { sensorsEnv } from './env.js';
import { startSensors } from './service.js';

runService('sensors', sensorsEnv, startSensors);
