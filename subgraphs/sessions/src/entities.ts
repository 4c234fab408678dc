import { migrationsIn } from '@switchyard/kit';
import { Session } from './session/session.entity.js';

export const entities = [Session];

export const migrations = migrationsIn(['Migration20261123100000'], (name) => import(`./migrations/${name}.js`));
