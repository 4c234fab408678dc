import { writeSdl } from '@switchyard/kit';
import { buildSensorsSchema } from './schema.js';

void writeSdl(buildSensorsSchema(), `${__dirname}/..`);
