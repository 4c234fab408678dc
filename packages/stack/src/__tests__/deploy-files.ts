// What the deploy tests read from docker/ and k8s/: the Dockerfile's instructions by stage, and
// the manifests as kustomize renders them.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from '../index.js';

export interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's stages, each a list of instructions (continuation lines joined, comments dropped). */
export function dockerfileStages(file = join(ROOT, 'docker', 'Dockerfile')): Instruction[][] {
  const logical = readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: Instruction[][] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') stages.push([]);
    stages.at(-1)?.push({ keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' ') });
  }
  return stages;
}

/** The final stage's ENV, USER and the folders its RUN makes and hands to that user. */
export function finalStage() {
  const stage = dockerfileStages().at(-1)!;
  const env: Record<string, string> = {};
  for (const { args } of stage.filter((i) => i.keyword === 'ENV'))
    for (const [, name, value] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[name!] = value!.replace(/^"|"$/g, '');
  const user = stage.filter((i) => i.keyword === 'USER').at(-1)?.args ?? '';
  const made = stage
    .filter((i) => i.keyword === 'RUN')
    .flatMap(({ args }) => [...args.matchAll(/mkdir -p ((?:\/\S+ ?)+)/g)].flatMap((m) => m[1]!.trim().split(' ')));
  const owned = stage
    .filter((i) => i.keyword === 'RUN')
    .flatMap(({ args }) => [...args.matchAll(/chown (?:-R )?(\S+) ((?:\/\S+ ?)+)/g)])
    .map((m) => ({ owner: m[1]!, paths: m[2]!.trim().split(' ') }));
  const workdir = stage.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args ?? '/';
  const cmd = JSON.parse(stage.filter((i) => i.keyword === 'CMD').at(-1)?.args ?? '[]') as string[];
  return { stage, env, user, made, owned, workdir, cmd };
}

/** The data paths the image declares: every *_DIR or *_FOLDER setting of its ENV. */
export const dataPaths = (env: Record<string, string>) =>
  Object.entries(env).filter(([name]) => /_(DIR|FOLDER)$/.test(name));

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'labels',
  'resources',
  'patches',
  'images',
  'secretGenerator',
  'configMapGenerator',
  'generatorOptions',
]);

const envFile = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

/** kustomize's patch target, by kind and `key=value` labels (and no other selector). */
function targeted(object: K8sObject, target: Record<string, string>): boolean {
  for (const key of Object.keys(target))
    if (key !== 'kind' && key !== 'labelSelector') throw new Error(`patch target: ${key} is not rendered here`);
  const terms = (target.labelSelector ?? '').split(',').filter(Boolean);
  return (
    object.kind === target.kind &&
    terms.every((term) => {
      const [, key, value] = /^([\w./-]+)=([\w.-]*)$/.exec(term) ?? [];
      if (!key) throw new Error(`patch target: label selector ${term} is not rendered here`);
      return object.metadata.labels?.[key] === value;
    })
  );
}

/** A JSON6902 `add` (RFC 6902): sets a member, or inserts into a list (`-` appends). */
function add(object: K8sObject, pointer: string, value: unknown): void {
  const keys = pointer
    .split('/')
    .slice(1)
    .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = keys.pop()!;
  let parent: any = object;
  for (const key of keys) {
    parent = parent?.[key];
    if (typeof parent !== 'object' || parent === null)
      throw new Error(`patch: ${pointer} has no parent in ${object.kind}/${object.metadata.name}`);
  }
  if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, structuredClone(value));
  else parent[last] = structuredClone(value);
}

/**
 * `kubectl kustomize k8s/` for the features k8s/kustomization.yaml uses (it fails on any other), with
 * each generator's `.env.example` standing in for its git-ignored file. No kustomize binary needed.
 */
export function renderKustomization(dir = join(ROOT, 'k8s')): K8sObject[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, any>;
  for (const key of Object.keys(k))
    if (!SUPPORTED.has(key)) throw new Error(`kustomization: ${key} is not rendered here`);
  if (k.generatorOptions?.disableNameSuffixHash !== true) throw new Error('expected disableNameSuffixHash: true');
  const objects: K8sObject[] = (k.resources as string[]).flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJS() as K8sObject),
  );
  for (const generator of k.secretGenerator ?? []) {
    const data: Record<string, string> = {};
    for (const file of generator.envs as string[])
      for (const [key, value] of Object.entries(envFile(readFileSync(join(dir, `${file}.example`), 'utf8'))))
        data[key] = Buffer.from(value as string).toString('base64');
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: generator.name }, type: 'Opaque', data });
  }
  for (const generator of k.configMapGenerator ?? []) {
    const data = Object.fromEntries(
      (generator.files as string[]).map((file) => [basename(file), readFileSync(join(dir, file), 'utf8')]),
    );
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: generator.name }, data });
  }
  // kustomize patches before it labels, so a target selects by the resources' own labels.
  for (const patch of k.patches ?? []) {
    if (!patch.path || !patch.target) throw new Error('patches: only a path with a target is rendered here');
    const operations = parse(readFileSync(join(dir, patch.path as string), 'utf8')) as Array<Record<string, any>>;
    if (!Array.isArray(operations)) throw new Error(`${patch.path}: only JSON6902 patches are rendered here`);
    for (const object of objects.filter((o) => targeted(o, patch.target)))
      for (const { op, path, value } of operations) {
        if (op !== 'add') throw new Error(`${patch.path}: op ${op} is not rendered here`);
        add(object, path, value);
      }
  }
  for (const object of objects) {
    for (const { pairs } of k.labels ?? []) object.metadata.labels = { ...object.metadata.labels, ...pairs };
    const pod = (object as any).spec?.template?.spec;
    for (const container of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      const image = (k.images ?? []).find((i: { name: string }) => i.name === container.image);
      if (image) container.image = `${image.newName ?? image.name}:${image.newTag}`;
    }
  }
  return objects;
}

/** What `kubectl kustomize` makes of k8s/ (with the example env files), where kubectl is installed. */
export function kubectlKustomize(): K8sObject[] | null {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'k8s-'));
  try {
    cpSync(join(ROOT, 'k8s'), dir, { recursive: true });
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.env.example')))
      cpSync(join(dir, file), join(dir, file.replace(/\.example$/, '')));
    const output = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    const objects = parseAllDocuments(output).map((doc) => doc.toJS() as K8sObject);
    // kustomize folds long base64 values over lines.
    for (const object of objects.filter((o) => o.kind === 'Secret'))
      for (const [key, value] of Object.entries(object.data as Record<string, string>))
        (object.data as Record<string, string>)[key] = value.replace(/\s/g, '');
    return objects;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
