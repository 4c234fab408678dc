import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSdl } from '@switchyard/kit';
import { buildUsersSchema } from './schema.js';

/** Writes this subgraph's SDL to schema.graphql (run by `npm run compose`). */
buildUsersSchema().then((schema) => {
  writeFileSync(join(__dirname, '..', 'schema.graphql'), printSdl(schema));
});
