import { writeSdl } from '@switchyard/kit';
import { buildIngestionSchema } from './schema.js';

void writeSdl(buildIngestionSchema(), `${__dirname}/..`);
