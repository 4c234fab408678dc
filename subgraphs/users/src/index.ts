// What other packages may use from the users domain (DESIGN.md §2: owners export their writes).
export { startUsers } from './service.js';
export { usersEnv, type UsersEnv } from './env.js';
export { buildUsersSchema } from './schema.js';
export { insertPrices, type PricePoint } from './ticker/prices.js';
