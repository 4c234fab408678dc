import { byIdLoader, byParentLoader, type SubgraphContext } from '@switchyard/kit';
import { Equipment } from './equipment/equipment.entity.js';
import { latestReadingLoader } from './sensor/reading.service.js';
import { Sensor } from './sensor/sensor.entity.js';
import { Site } from './site/site.entity.js';

function createLoaders(em: SubgraphContext['em']) {
  return {
    site: byIdLoader(em, Site),
    equipment: byIdLoader(em, Equipment),
    sensor: byIdLoader(em, Sensor),
    equipmentOfSite: byParentLoader(em, Equipment, 'siteId', { code: 'asc' }),
    sensorsOfEquipment: byParentLoader(em, Sensor, 'equipmentId', { code: 'asc' }),
    latestReading: latestReadingLoader(em),
  };
}

export interface SensorsContext extends SubgraphContext {
  loaders: ReturnType<typeof createLoaders>;
}

/** One set of DataLoaders per request. */
export function sensorsContext(base: SubgraphContext): SensorsContext {
  return { ...base, loaders: createLoaders(base.em) };
}
