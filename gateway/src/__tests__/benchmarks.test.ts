// benchmarks through the gateway: what needs the gateway or another subgraph. The subgraph's own
// rules (submissions, devices, links, documents, export) are tested beside its code, alone
// (subgraphs/benchmarks/src/__tests__).
import { request } from 'node:http';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { codes, freshDatabase, GraphQLClient, sqlClient, Stack, viewerHeader, waitFor } from '@switchyard/testing';
import { loginAdmin, newUser, type Running, startStack } from './stack.js';

const stack = new Stack();
let run: Running;
let sql: pg.Client;
let ownDatabase: string;
let admin: GraphQLClient;
let machine: GraphQLClient;
let deviceId: string;

const SUBMIT = `mutation($r: BenchmarkReport!) { submitBenchmark(report: $r) { device { id } } }`;

const report = (machineId: string) => ({
  machineId,
  hostname: machineId,
  vendor: 'Framework',
  model: 'Laptop 13',
  hardware: {
    cpu: { model: 'AMD Ryzen 7 7840U', cores: 8, threads: 16, mhz: 3300 },
    memoryBytes: 32 * 2 ** 30,
    disks: [{ name: 'nvme0n1', type: 'nvme', sizeBytes: 1e12 }],
    gpus: [{ model: 'Radeon 780M', vramBytes: 2 ** 31 }],
    network: [{ name: 'wlan0', mac: 'aa:bb:cc:dd:ee:ff', speedMbps: 1200 }],
    os: { name: 'Debian', version: '12', kernel: '6.1.0-18-amd64' },
  },
  scores: { cpu: 80, mem: 60, disk: 90, net: 40, gpu: 20 },
  raw: { cpu: { sha256MBps: 812 } },
});

const counts = async () =>
  (
    await sql.query(
      `select (select count(*) from benchmarks.devices)::int as devices, (select count(*) from benchmarks.snapshots)::int as snapshots,
              (select count(*) from benchmarks.benchmarks)::int as benchmarks`,
    )
  ).rows[0];

beforeAll(async () => {
  // benchmarks keeps its data in a database of its own here (issue 11): every check below reads it.
  ownDatabase = await freshDatabase('benchmarks-own');
  run = await startStack(stack, { ownDatabases: { benchmarks: ownDatabase } });
  sql = await sqlClient(ownDatabase);
  admin = run.client.as(await loginAdmin(run.client));
  const { createApiToken } = await admin.data(
    'mutation { createApiToken(name: "bench rig", scopes: ["benchmarks:write"]) { token } }',
  );
  machine = run.client.as(createApiToken.token);
  // An API token the gateway confirmed with users reaches benchmarks' submitBenchmark.
  deviceId = (await machine.data(SUBMIT, { r: report('machine-1') })).submitBenchmark.device.id;
});
afterAll(async () => {
  await sql?.end();
  await stack.close();
});

describe('submitBenchmark through the gateway', () => {
  it('refuses a revoked API token (the gateway confirms tokens with users), writing nothing', async () => {
    const before = await counts();
    const { createApiToken: revoked } = await admin.data(
      'mutation { createApiToken(name: "old", scopes: ["benchmarks:write"]) { token apiToken { id } } }',
    );
    await admin.data('mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: revoked.apiToken.id });
    const r = report('intruder');
    expect(codes(await run.client.as(revoked.token).request(SUBMIT, { r }))).toEqual(['UNAUTHENTICATED']);
    expect(await counts()).toEqual(before);
  });
});

describe('documents through the gateway', () => {
  const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3000, 7), Buffer.from('\n%%EOF\n')]);
  const newUpload = async (size: number, filename = 'manual.pdf') =>
    (
      await admin.data(
        'mutation($d: ID!, $f: String!, $s: Int!) { createDocumentUpload(deviceId: $d, filename: $f, contentType: "application/pdf", size: $s) { uploadUrl } }',
        { d: deviceId, f: filename, s: size },
      )
    ).createDocumentUpload;
  const put = (url: string, body: Buffer | Readable) =>
    fetch(url, {
      method: 'PUT',
      body: body instanceof Readable ? (Readable.toWeb(body) as ReadableStream) : body,
      ...(body instanceof Readable ? { duplex: 'half' } : {}),
    } as RequestInit);

  it('round-trips the bytes exactly through its route proxy, and passes refusals back', async () => {
    const origin = new URL(run.gateway.url).origin;
    const upload = await newUpload(PDF.length, 'Manuel d’utilisation.pdf');
    expect(upload.uploadUrl.startsWith(`${origin}/uploads/`)).toBe(true);
    expect((await put(upload.uploadUrl, PDF)).status).toBe(201);

    const { device } = await machine.data('query($id: ID!) { device(id: $id) { documents { downloadUrl } } }', {
      id: deviceId,
    });
    const [document] = device.documents;
    expect(document.downloadUrl.startsWith(`${origin}/documents/`)).toBe(true);
    expect((await fetch(document.downloadUrl)).status).toBe(401);
    const download = await fetch(document.downloadUrl, {
      headers: { authorization: `Bearer ${await loginAdmin(run.client)}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toContain(
      "filename*=UTF-8''Manuel%20d%E2%80%99utilisation.pdf",
    );
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);

    // A body far past the limit, streamed in many chunks: the client still reads the 413 through the proxy.
    const flood = Readable.from(
      (function* () {
        yield PDF.subarray(0, 16);
        for (let i = 0; i < 200; i++) yield Buffer.alloc(16_384, 3);
      })(),
    );
    expect((await put((await newUpload(1000)).uploadUrl, flood)).status).toBe(413);
  });
});

describe('the gateway route table', () => {
  it('never lets a path step outside its prefix, and ignores forwarded headers from callers', async () => {
    const origin = new URL(run.gateway.url).origin;
    // Sent raw: fetch would resolve the dot segments itself before sending.
    const status = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const { hostname, port } = new URL(origin);
        request({ hostname, port, path, method: 'GET' }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        })
          .on('error', reject)
          .end();
      });
    for (const path of [
      '/uploads/%2e%2e/graphql',
      '/documents/..%2fmetrics',
      '/exports/%2E%2E/%2e%2e/ready',
      '/documents/../metrics',
    ]) {
      expect([path, await status(path)]).toEqual([path, 400]);
    }
    const spoofed = await fetch(run.gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await loginAdmin(run.client)}`,
        'x-forwarded-host': 'evil.example',
      },
      body: JSON.stringify({
        query:
          'mutation($d: ID!) { createDocumentUpload(deviceId: $d, filename: "a.pdf", contentType: "application/pdf", size: 10) { uploadUrl } }',
        variables: { d: deviceId },
      }),
    });
    const { data } = (await spoofed.json()) as any;
    expect(data.createDocumentUpload.uploadUrl.startsWith(`${origin}/uploads/`)).toBe(true);
  });
});

describe('benchmarks on a database of its own', () => {
  it('keeps every table there, none in the shared database, and still hears identity events', async () => {
    const shared = await sqlClient(run.db);
    try {
      const tablesIn = async (client: pg.Client) =>
        (
          await client.query(
            "select count(*)::int as n from information_schema.tables where table_schema = 'benchmarks'",
          )
        ).rows[0].n;
      expect(await tablesIn(sql)).toBeGreaterThan(0);
      expect(await tablesIn(shared)).toBe(0);
    } finally {
      await shared.end();
    }
    // Events travel the shared database: a password change reaches benchmarks at once (a NOTIFY
    // away, so awaited; well within the 60 s an assertion would otherwise hold).
    const user = await newUser(run.client, 'own-db');
    const viewer = { kind: 'user' as const, id: user.id, role: 'USER', scopes: [] };
    const direct = new GraphQLClient(run.benchmarks.url).with(await viewerHeader(run.gatewayKey, 'benchmarks', viewer));
    const DEVICES = '{ devices(first: 1) { nodes { id } } }';
    expect((await direct.request(DEVICES)).status).toBe(200);
    await run.client
      .as(user.token)
      .data(
        'mutation { changePassword(currentPassword: "correct-horse-battery", newPassword: "another-long-one") { token } }',
      );
    await waitFor(
      async () => (await direct.request(DEVICES)).status === 401,
      2000,
      'benchmarks to refuse an assertion made before the password change',
    );
  });
});
