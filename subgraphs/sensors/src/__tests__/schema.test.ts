import { sdlPair } from '@switchyard/testing';
import { buildSensorsSchema } from '../schema.js';

it('schema.graphql matches the code (run `npm run compose` after changing the schema)', async () => {
  const [built, committed] = await sdlPair(buildSensorsSchema(), `${__dirname}/../..`);
  expect(built).toBe(committed);
});
