export { startGateway } from './gateway.js';
export { gatewayEnv, type GatewayEnv } from './env.js';
export { composeSupergraph, CompositionError } from './compose.js';
