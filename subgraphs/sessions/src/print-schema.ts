import { writeSdl } from '@switchyard/kit';
import { buildSessionsSchema } from './schema.js';

void writeSdl(buildSessionsSchema(), `${__dirname}/..`);
