import { registeredRetention } from '@switchyard/kit';
import { sdlPair } from '@switchyard/testing';
import { buildCleanupSchema } from '../schema.js';

it('schema.graphql matches the code (run `npm run compose` after changing the schema)', async () => {
  const [built, committed] = await sdlPair(buildCleanupSchema(await registeredRetention()), `${__dirname}/../..`);
  expect(built).toBe(committed);
});
