import { runService } from '@switchyard/kit';
import { gatewayEnv } from './env.js';
import { startGateway } from './gateway.js';

runService('gateway', gatewayEnv, startGateway);
