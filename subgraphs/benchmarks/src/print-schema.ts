import { writeSdl } from '@switchyard/kit';
import { buildBenchmarksSchema } from './schema.js';

void writeSdl(buildBenchmarksSchema(), `${__dirname}/..`);
