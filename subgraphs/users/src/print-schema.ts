import { writeSdl } from '@switchyard/kit';
import { buildUsersSchema } from './schema.js';

void writeSdl(buildUsersSchema(), `${__dirname}/..`);
