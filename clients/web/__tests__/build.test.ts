// The pages' build replaces dist/ whole: a gateway serving the pages while `npm start` (or another
// `npm run build`) rebuilds them never finds them gone for more than a moment.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const web = dirname(require.resolve('@switchyard/web/package.json'));
const pages = ['graphiql', 'dashboard'].map((page) => join(web, 'dist', page, 'index.html'));

it('keeps every page in dist/ while it builds them again', async () => {
  // `npm test` has built them once already.
  expect(pages.every((page) => existsSync(page))).toBe(true);
  const build = spawn(process.execPath, [join(web, 'build.mjs')], { cwd: web, stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  build.stderr!.on('data', (chunk) => (errors += chunk));
  const exited = new Promise<number | null>((resolve) => build.once('exit', resolve));
  // The longest stretch a page was missing, sampled every few ms until the build ends: a build that
  // emptied dist/ first left the pages missing for seconds.
  let missingSince: number | undefined;
  let longest = 0;
  let samples = 0;
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    const now = performance.now();
    if (pages.every((page) => existsSync(page))) missingSince = undefined;
    else longest = Math.max(longest, now - (missingSince ??= now));
    samples++;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  expect({ code: await exited, errors }).toEqual({ code: 0, errors: '' });
  expect(samples).toBeGreaterThan(100);
  expect(longest).toBeLessThan(100);
  expect(pages.every((page) => existsSync(page))).toBe(true);
  // Nothing of its own staging is left behind (another build may be staging its own meanwhile).
  for (const left of [`next-${build.pid}`, `old-${build.pid}`])
    expect(existsSync(join(web, '.staging', left))).toBe(false);
}, 180_000);
