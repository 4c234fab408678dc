// DESIGN.md §6 and issue 11: a subgraph imports no other subgraph (the workers, ingestion and
// cleanup, use the owners' exported store functions), and the kit knows no domain.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');
const SUBGRAPHS = readdirSync(join(ROOT, 'subgraphs'));
// Ingestion still writes the owners' tables through their exported store functions; cleanup
// imports nothing of theirs (it runs the retention tasks they register).
const WORKERS = new Set(['ingestion']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === '__tests__' ? [] : sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/from '@switchyard\/([a-z-]+)/g)].map((match) => match[1]!);

describe('the house style', () => {
  it('no subgraph but a worker imports another subgraph', () => {
    const crossings = SUBGRAPHS.filter((name) => !WORKERS.has(name)).flatMap((name) =>
      sources(join(ROOT, 'subgraphs', name, 'src')).flatMap((file) =>
        importsOf(file)
          .filter((target) => SUBGRAPHS.includes(target) && target !== name)
          .map((target) => `${file.slice(ROOT.length + 1)} imports ${target}`),
      ),
    );
    expect(crossings).toEqual([]);
  });

  it('the cleanup worker imports no other package but the kit, and finds every retention task registered', async () => {
    const imports = sources(join(ROOT, 'subgraphs', 'cleanup', 'src')).flatMap(importsOf);
    expect([...new Set(imports)]).toEqual(['kit']);
    const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'subgraphs', 'cleanup', 'package.json'), 'utf8'));
    expect(Object.keys(dependencies)).toEqual(['@switchyard/kit']);
    const { registeredRetention } = await import('../retention.js');
    const found = (await registeredRetention(ROOT)).map((task) => `${task.owner}:${task.name}`);
    // Each owner's files, one task each, beside its SQL.
    const files = ['gateway', ...SUBGRAPHS.map((name) => join('subgraphs', name))].flatMap((folder) => {
      const dir = join(ROOT, folder, 'src', 'retention');
      return statSync(dir, { throwIfNoEntry: false })
        ? readdirSync(dir)
            .filter((file) => file.endsWith('.retention.ts'))
            .map((file) => `${folder.replace('subgraphs/', '')}:${file.replace('.retention.ts', '').toUpperCase()}`)
        : [];
    });
    expect(found.sort()).toEqual(files.sort());
  });

  it('the kit imports no subgraph and names no role of theirs', () => {
    const files = sources(join(ROOT, 'packages', 'kit', 'src'));
    expect(files.flatMap((file) => importsOf(file).filter((target) => SUBGRAPHS.includes(target)))).toEqual([]);
    const auth = readFileSync(join(ROOT, 'packages', 'kit', 'src', 'auth.ts'), 'utf8');
    expect(auth).not.toMatch(/'USER'/);
  });
});
