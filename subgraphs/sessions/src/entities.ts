import { Migration20261123100000 } from './migrations/Migration20261123100000.js';
import { Session } from './session/session.entity.js';

export const entities = [Session];

export const migrations = [{ name: 'Migration20261123100000', class: Migration20261123100000 }];
