export { startGateway } from './gateway.js';
export { gatewayEnv, type GatewayEnv } from './env.js';
export { composeSupergraph, CompositionError } from './compose.js';
export { readRegistry, RegistryError, type SubgraphEntry } from './registry.js';
