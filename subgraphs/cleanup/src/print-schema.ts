import { writeSdl } from '@switchyard/kit';
import { buildCleanupSchema } from './schema.js';

void writeSdl(buildCleanupSchema(), `${__dirname}/..`);
