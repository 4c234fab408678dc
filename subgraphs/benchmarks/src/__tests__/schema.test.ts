import { sdlPair } from '@switchyard/testing';
import { buildBenchmarksSchema } from '../schema.js';

it('schema.graphql matches the code (run `npm run compose` after changing the schema)', async () => {
  const [built, committed] = await sdlPair(buildBenchmarksSchema(), `${__dirname}/../..`);
  expect(built).toBe(committed);
});
