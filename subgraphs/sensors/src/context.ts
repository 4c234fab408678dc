import { byIdLoader, type Page, type SubgraphContext, withArgsLoader, withLoaders } from '@switchyard/kit';
import type { AnalyticsKind } from './analytics.js';
import { equipmentOfSiteLoader, sensorsOfEquipmentLoader } from './catalog.loader.js';
import { analyticsOf } from './equipment/analytics.service.js';
import type { AnalyticsPoint } from './equipment/analytics.types.js';
import { Equipment } from './equipment/equipment.entity.js';
import { latestReadingLoader, type ReadingsArgs, readingsOf } from './sensor/reading.service.js';
import type { Reading } from './sensor/reading.types.js';
import { type SeriesPoint, seriesOf } from './sensor/series.js';
import { Sensor } from './sensor/sensor.entity.js';
import { Site } from './site/site.entity.js';

function createLoaders(em: SubgraphContext['em']) {
  return {
    site: byIdLoader(em, Site),
    equipment: byIdLoader(em, Equipment),
    sensor: byIdLoader(em, Sensor),
    equipmentOfSite: equipmentOfSiteLoader(em),
    sensorsOfEquipment: sensorsOfEquipmentLoader(em),
    latestReading: latestReadingLoader(em),
    readings: withArgsLoader<ReadingsArgs, Page<Reading>>((args, ids) => readingsOf(em, args, ids), {
      nodes: [],
      pageInfo: { endCursor: null, hasNextPage: false },
    }),
    series: withArgsLoader<{ from: Date; to: Date; bucket: string }, SeriesPoint[]>(
      (args, ids) => seriesOf(em, args, ids),
      [],
    ),
    analytics: withArgsLoader<{ kind: AnalyticsKind; from: Date; to: Date }, AnalyticsPoint[]>(
      (args, ids) => analyticsOf(em, args, ids),
      [],
    ),
  };
}

export interface SensorsContext extends SubgraphContext {
  loaders: ReturnType<typeof createLoaders>;
}

/** One set of DataLoaders per request (or event). */
export function sensorsContext(base: SubgraphContext): SensorsContext {
  return withLoaders(base, createLoaders);
}
