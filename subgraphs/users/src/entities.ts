import { migrationsIn } from '@switchyard/kit';
import { Alert } from './alert/alert.entity.js';
import { Price } from './ticker/price.entity.js';
import { SigningKey } from './signing/signing-key.entity.js';
import { Ticker } from './ticker/ticker.entity.js';
import { ApiToken } from './token/api-token.entity.js';
import { User } from './user/user.entity.js';
import { Watch } from './watch/watch.entity.js';

export const entities = [User, Ticker, Price, Watch, Alert, ApiToken, SigningKey];

export const migrations = migrationsIn(
  ['Migration20261123000000', 'Migration20261202000000'],
  (name) => import(`./migrations/${name}.js`),
);
