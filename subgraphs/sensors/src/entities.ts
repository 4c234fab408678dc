import { Equipment } from './equipment/equipment.entity.js';
import { Migration20261123600000 } from './migrations/Migration20261123600000.js';
import { Migration20261123610000 } from './migrations/Migration20261123610000.js';
import { Migration20261123620000 } from './migrations/Migration20261123620000.js';
import { Migration20261123630000 } from './migrations/Migration20261123630000.js';
import { Migration20261123640000 } from './migrations/Migration20261123640000.js';
import { Migration20261123650000 } from './migrations/Migration20261123650000.js';
import { Sensor } from './sensor/sensor.entity.js';
import { Site } from './site/site.entity.js';

export const entities = [Site, Equipment, Sensor];

export const migrations = [
  { name: 'Migration20261123600000', class: Migration20261123600000 },
  { name: 'Migration20261123610000', class: Migration20261123610000 },
  { name: 'Migration20261123620000', class: Migration20261123620000 },
  { name: 'Migration20261123630000', class: Migration20261123630000 },
  { name: 'Migration20261123640000', class: Migration20261123640000 },
  { name: 'Migration20261123650000', class: Migration20261123650000 },
];
