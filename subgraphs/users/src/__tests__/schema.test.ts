import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { printSdl } from '@switchyard/kit';
import { buildUsersSchema } from '../schema.js';

it('schema.graphql matches the code (run `npm run compose` after changing the schema)', async () => {
  const committed = await readFile(join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
  expect(printSdl(await buildUsersSchema())).toBe(committed);
});
