// The pages' build (`npm run build`): made in a folder of its own, then put in place of dist/ by
// two renames, so that a gateway serving dist/ meanwhile (npm start builds before it starts, and
// another stack may be serving these very files) never finds it empty or half written.
import { mkdir, rename, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'vite';

const here = import.meta.dirname;
const staging = join(here, '.staging');
const next = join(staging, `next-${process.pid}`, 'dist');
const old = join(staging, `old-${process.pid}`, 'dist');
const dist = join(here, 'dist');

await build({ root: here, logLevel: 'warn', build: { outDir: next } });
await mkdir(join(old, '..'), { recursive: true });
// Another build may put its own in place between our two renames: then ours goes in after it.
for (let attempt = 0; ; attempt++) {
  await rename(dist, old).catch((error) => {
    if (error.code !== 'ENOENT') throw error;
  });
  try {
    await rename(next, dist);
    break;
  } catch (error) {
    if (!['ENOTEMPTY', 'EEXIST'].includes(error.code) || attempt >= 10) throw error;
    await rm(old, { recursive: true, force: true });
  }
}
await rm(join(old, '..'), { recursive: true, force: true });
await rm(join(next, '..'), { recursive: true, force: true });
// The staging folder too, unless another build is using it.
await rmdir(staging).catch(() => undefined);
