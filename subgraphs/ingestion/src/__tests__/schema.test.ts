import { sdlPair } from '@switchyard/testing';
import { buildIngestionSchema } from '../schema.js';

it('schema.graphql matches the code (run `npm run compose` after changing the schema)', async () => {
  const [built, committed] = await sdlPair(buildIngestionSchema(), `${__dirname}/../..`);
  expect(built).toBe(committed);
});
