import { migrationsIn } from '@switchyard/kit';
import { Equipment } from './equipment/equipment.entity.js';
import { Sensor } from './sensor/sensor.entity.js';
import { Site } from './site/site.entity.js';

export const entities = [Site, Equipment, Sensor];

export const migrations = migrationsIn(
  [
    'Migration20261123600000',
    'Migration20261123610000',
    'Migration20261123620000',
    'Migration20261123630000',
    'Migration20261123640000',
    'Migration20261123650000',
    'Migration20261202600000',
    'Migration20261202610000',
  ],
  (name) => import(`./migrations/${name}.js`),
);
