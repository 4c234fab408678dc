// First: tracing (when configured) must patch modules before anything loads them.
import '@switchyard/kit/telemetry';
import { runService } from '@switchyard/kit';
import { gatewayEnv } from './env.js';
import { startGateway } from './gateway.js';

runService('gateway', gatewayEnv, startGateway);
