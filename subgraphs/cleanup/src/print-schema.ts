import { registeredRetention, writeSdl } from '@switchyard/kit';
import { buildCleanupSchema } from './schema.js';

void registeredRetention().then((tasks) => writeSdl(buildCleanupSchema(tasks), `${__dirname}/..`));
