import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configurationDoc } from '../config-docs.js';
import { ROOT } from '../index.js';

it('docs/configuration.md is what the env schemas say (run `npm run docs` after changing one)', async () => {
  expect(readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8')).toBe(await configurationDoc());
});
