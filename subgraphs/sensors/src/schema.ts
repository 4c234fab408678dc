import { buildFederatedSchema } from '@switchyard/kit';
import { EquipmentResolver } from './equipment/equipment.resolver.js';
import { LiveReadingResolver, SensorAlertResolver } from './sensor/live.resolver.js';
import { SensorResolver } from './sensor/sensor.resolver.js';
import { SiteResolver } from './site/site.resolver.js';
import type { SensorsContext } from './context.js';

const byId = (loader: (ctx: SensorsContext) => { load(id: string): Promise<unknown> }) => ({
  __resolveReference: (ref: { id: string }, ctx: SensorsContext) => loader(ctx).load(ref.id),
});

export function buildSensorsSchema() {
  return buildFederatedSchema({
    resolvers: [SiteResolver, EquipmentResolver, SensorResolver, LiveReadingResolver, SensorAlertResolver],
    references: {
      Site: byId((ctx) => ctx.loaders.site),
      Equipment: byId((ctx) => ctx.loaders.equipment),
      Sensor: byId((ctx) => ctx.loaders.sensor),
    },
  });
}
