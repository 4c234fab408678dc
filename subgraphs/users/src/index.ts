import type { SubgraphPackage } from '@switchyard/kit';
import { startUsers } from './service.js';
import { usersEnv } from './env.js';
// What other packages may use from the users domain (DESIGN.md §2: owners export their writes).
export { startUsers } from './service.js';
export { usersEnv, type UsersEnv } from './env.js';
export { buildUsersSchema } from './schema.js';
export { insertPrices, type PricePoint } from './ticker/prices.js';

/** For whoever runs subgraphs from the registry (supergraph.yaml). */
export const service = { env: usersEnv, start: startUsers } satisfies SubgraphPackage<typeof usersEnv>;
