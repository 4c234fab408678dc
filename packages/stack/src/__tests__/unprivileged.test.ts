// The built server started as the image starts it, by an unprivileged user, in a copy of the
// image's directory layout: the code read-only (root's), the data paths the Dockerfile makes the
// only places it may write. No Docker engine needed; root is (to switch users with setpriv).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report, SUBMIT, tokenViewer } from '@switchyard/benchmarks/__tests__/alone';
import {
  aloneGatewayKey,
  freePort,
  freshDatabase,
  GraphQLClient,
  userViewer,
  viewerHeader,
  waitFor,
} from '@switchyard/testing';
import { ROOT } from '../index.js';
import { dataPaths, finalStage } from './deploy-files.js';

const root = process.getuid?.() === 0;
const NOBODY = 65534;
const as = (uid: number, ...command: string[]) => [
  'setpriv',
  `--reuid=${uid}`,
  `--regid=${uid}`,
  '--clear-groups',
  // Reads anywhere, as it could the image's code (readable by all), wherever this checkout is
  // (CI's may be under a private home); writes only where permissions let it.
  '--inh-caps=-all,+dac_read_search',
  '--ambient-caps=-all,+dac_read_search',
  ...command,
];
const asNobody = (...command: string[]) => {
  const [file, ...args] = as(NOBODY, ...command);
  return spawnSync(file!, args).status === 0;
};

if (!root) console.warn('unprivileged.test.ts skipped: it runs as root only (it switches to nobody with setpriv)');

(root ? describe : describe.skip)('the image’s start command as an unprivileged user', () => {
  const image = finalStage();
  const layout = mkdtempSync(join(tmpdir(), 'image-'));
  const at = (path: string) => join(layout, path);
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (server?.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    rmSync(layout, { recursive: true, force: true });
  });

  it('writes documents only where the Dockerfile made room, and serves /health', async () => {
    // The image's tree: WORKDIR is this checkout (root's), node in /usr/local/bin, and the data
    // folders made and handed over as the Dockerfile's RUN does, to nobody instead of its uid.
    chmodSync(layout, 0o755);
    mkdirSync(at('/usr/local/bin'), { recursive: true });
    copyFileSync(process.execPath, at('/usr/local/bin/node'));
    chmodSync(at('/usr/local/bin/node'), 0o755);
    mkdirSync(join(at(image.workdir), '..'), { recursive: true });
    symlinkSync(ROOT, at(image.workdir));
    for (const dir of image.made) mkdirSync(at(dir), { recursive: true });
    for (const { paths } of image.owned)
      for (const path of paths) {
        for (const dir of [path, ...readdirSync(at(path), { recursive: true }).map((d) => join(path, String(d)))]) {
          chownSync(at(dir), NOBODY, NOBODY);
          chmodSync(at(dir), 0o750);
        }
      }
    const main = join(image.workdir, 'subgraphs/benchmarks/dist/main.js');
    expect([`nobody can read ${ROOT} (and its parents)`, asNobody('head', '-c', '1', at(main))]).toEqual([
      `nobody can read ${ROOT} (and its parents)`,
      true,
    ]);
    // access(2) checks as the plain user, capabilities aside: the code is not the user's to change.
    expect(asNobody('test', '-w', at(image.workdir))).toBe(false);

    const port = await freePort();
    const key = await aloneGatewayKey();
    const env: Record<string, string> = {
      PATH: `${at('/usr/local/bin')}:/usr/bin:/bin`,
      ...image.env,
      // The image's data paths, in this layout.
      ...Object.fromEntries(dataPaths(image.env).map(([name, path]) => [name, at(path)])),
      SERVICE: 'subgraphs/benchmarks',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: await freshDatabase('unprivileged'),
      DB_POOL_SIZE: '2',
      GATEWAY_PUBLIC_KEYS: JSON.stringify(key.publicJwk),
      LOG_LEVEL: 'warn',
    };
    expect(env.NODE_ENV).toBe('production');
    const [file, ...args] = as(NOBODY, ...image.cmd);
    let output = '';
    server = spawn(file!, args, { cwd: at(image.workdir), env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    const origin = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => server!.exitCode === null && (await fetch(`${origin}/ready`)).ok,
      90_000,
      'benchmarks to be ready',
    ).catch((error: Error) => {
      throw new Error(`${error.message}; its output:\n${output}`);
    });
    expect((await fetch(`${origin}/health`)).status).toBe(200);

    const client = (viewer: Parameters<typeof viewerHeader>[2]) =>
      viewerHeader(key, 'benchmarks', viewer).then((headers) => new GraphQLClient(`${origin}/graphql`).with(headers));
    const { submitBenchmark } = await (
      await client(tokenViewer(['benchmarks:write']))
    ).data(SUBMIT, {
      r: report({ machineId: `unprivileged-${randomUUID()}` }),
    });
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 7), Buffer.from('\n%%EOF\n')]);
    const { createDocumentUpload } = await (
      await client(userViewer(randomUUID(), 'ADMIN'))
    ).data(
      'mutation($d: ID!) { createDocumentUpload(deviceId: $d, filename: "m.pdf", contentType: "application/pdf", size: 2016) { uploadUrl } }',
      { d: submitBenchmark.device.id },
    );
    const upload = await fetch(createDocumentUpload.uploadUrl, {
      method: 'PUT',
      headers: await viewerHeader(key, 'benchmarks'),
      body: pdf,
    });
    expect([upload.status, output]).toEqual([201, output]);
    const { sha256 } = (await upload.json()) as { sha256: string };
    const stored = statSync(join(env.STORAGE_DIR!, sha256.slice(0, 2), sha256));
    expect([stored.size, stored.uid]).toEqual([pdf.length, NOBODY]);
  });
});
