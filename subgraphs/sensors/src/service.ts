import { type Logger, type Service, startSubgraph } from '@switchyard/kit';
import { sensorsContext } from './context.js';
import { entities, migrations } from './entities.js';
import type { SensorsEnv } from './env.js';
import { buildSensorsSchema } from './schema.js';

/** Sites, equipment, sensors and their readings (the read side; ingestion writes readings). */
export function startSensors(env: SensorsEnv & { DATABASE_URL: string }, logger?: Logger): Promise<Service> {
  return startSubgraph(
    {
      name: 'sensors',
      entities,
      migrations,
      schema: buildSensorsSchema,
      context: sensorsContext,
    },
    env,
    logger,
  );
}
