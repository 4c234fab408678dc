import { mkdtemp, readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { codes, freshDatabase, GraphQLClient, sqlClient, Stack, viewerHeader } from '@switchyard/testing';
import { loginAdmin, newUser, type Running, startStack, statementsSoFar } from './stack.js';

const stack = new Stack();
let run: Running;
let sql: pg.Client;
let storage: string;
let ownDatabase: string;
let admin: GraphQLClient;
let machine: GraphQLClient;

const SUBMIT = `mutation($r: BenchmarkReport!) { submitBenchmark(report: $r) {
  globalScore missing newSnapshot device { id hostname machineId } benchmark { id scores { cpu mem disk net gpu } snapshot { id hash } }
} }`;

function report(
  over: {
    machineId?: string | null;
    hostname?: string;
    memoryBytes?: number;
    disks?: unknown[];
    scores?: Record<string, number | null>;
  } = {},
) {
  return {
    machineId: over.machineId === undefined ? 'machine-1' : over.machineId,
    hostname: over.hostname ?? 'rig-1',
    vendor: 'Framework',
    model: 'Laptop 13',
    hardware: {
      cpu: { model: 'AMD Ryzen 7 7840U', cores: 8, threads: 16, mhz: 3300 },
      memoryBytes: over.memoryBytes ?? 32 * 2 ** 30,
      disks: over.disks ?? [
        { name: 'nvme0n1', type: 'nvme', sizeBytes: 1e12 },
        { name: 'sda', type: 'ssd', sizeBytes: 5e11 },
      ],
      gpus: [{ model: 'Radeon 780M', vramBytes: 2 ** 31 }],
      network: [{ name: 'wlan0', mac: 'aa:bb:cc:dd:ee:ff', speedMbps: 1200 }],
      os: { name: 'Debian', version: '12', kernel: '6.1.0-18-amd64' },
    },
    scores: over.scores ?? { cpu: 80, mem: 60, disk: 90, net: 40, gpu: 20 },
    raw: { cpu: { sha256MBps: 812 } },
  };
}

const weights = { cpu: 0.3, mem: 0.2, disk: 0.25, net: 0.15, gpu: 0.1 };
function expectedScore(scores: Record<string, number | null>) {
  const present = Object.entries(scores).filter(([, v]) => v != null) as Array<[keyof typeof weights, number]>;
  const weight = present.reduce((s, [c]) => s + weights[c], 0);
  return Math.round((present.reduce((s, [c, v]) => s + weights[c] * v, 0) / weight) * 100) / 100;
}

const counts = async () =>
  (
    await sql.query(
      `select (select count(*) from benchmarks.devices)::int as devices, (select count(*) from benchmarks.snapshots)::int as snapshots,
              (select count(*) from benchmarks.benchmarks)::int as benchmarks`,
    )
  ).rows[0];

beforeAll(async () => {
  storage = await mkdtemp(join(tmpdir(), 'documents-'));
  // benchmarks keeps its data in a database of its own here (issue 11): every check below reads it.
  ownDatabase = await freshDatabase('benchmarks-own');
  run = await startStack(stack, {
    benchmarks: { STORAGE_DIR: storage, MAX_UPLOAD_BYTES: '100000' },
    ownDatabases: { benchmarks: ownDatabase },
  });
  sql = await sqlClient(ownDatabase);
  admin = run.client.as(await loginAdmin(run.client));
  const { createApiToken } = await admin.data(
    'mutation { createApiToken(name: "bench rig", scopes: ["benchmarks:write"]) { token } }',
  );
  machine = run.client.as(createApiToken.token);
});
afterAll(async () => {
  await sql?.end();
  await stack.close();
});

describe('submitBenchmark', () => {
  it('creates the device, reuses unchanged hardware, and keeps a new snapshot when it changed', async () => {
    const first = (await machine.data(SUBMIT, { r: report() })).submitBenchmark;
    expect(first).toMatchObject({
      device: { hostname: 'rig-1', machineId: 'machine-1' },
      missing: [],
      newSnapshot: true,
    });
    expect(first.globalScore).toBe(expectedScore(report().scores));
    expect(first.globalScore).toBe(66.5); // 80·0.30 + 60·0.20 + 90·0.25 + 40·0.15 + 20·0.10

    // Same hardware, lists in another order: same device, same snapshot, a new benchmark.
    const again = (
      await machine.data(SUBMIT, {
        r: report({ hostname: 'rig-1-renamed', disks: [...report().hardware.disks].reverse() }),
      })
    ).submitBenchmark;
    expect(again.device.id).toBe(first.device.id);
    expect(again.device.hostname).toBe('rig-1-renamed');
    expect(again.newSnapshot).toBe(false);
    expect(again.benchmark.snapshot.id).toBe(first.benchmark.snapshot.id);
    expect(again.benchmark.id).not.toBe(first.benchmark.id);

    const upgraded = (await machine.data(SUBMIT, { r: report({ memoryBytes: 64 * 2 ** 30 }) })).submitBenchmark;
    expect(upgraded.device.id).toBe(first.device.id);
    expect(upgraded.newSnapshot).toBe(true);
    expect(upgraded.benchmark.snapshot.hash).not.toBe(first.benchmark.snapshot.hash);

    const { device } = await machine.data(
      'query($id: ID!) { device(id: $id) { snapshots { id } benchmarks { id } bestScore latestScore } }',
      { id: first.device.id },
    );
    expect(device.snapshots).toHaveLength(2);
    expect(device.benchmarks).toHaveLength(3);
  });

  it('shares the weight of missing components out over the present ones', async () => {
    const scores = { cpu: 70, mem: 50, disk: null, net: null, gpu: 30 };
    const result = (await machine.data(SUBMIT, { r: report({ machineId: 'machine-2', hostname: 'rig-2', scores }) }))
      .submitBenchmark;
    expect(result.missing).toEqual(['DISK', 'NET']);
    expect(result.globalScore).toBe(expectedScore(scores));
    expect(result.globalScore).toBe(56.67); // (70·0.30 + 50·0.20 + 30·0.10) / 0.60
    expect(result.benchmark.scores).toEqual(scores);

    // Without a machine id the hostname identifies the device.
    const a = (await machine.data(SUBMIT, { r: report({ machineId: null, hostname: 'nameless' }) })).submitBenchmark;
    const b = (await machine.data(SUBMIT, { r: report({ machineId: null, hostname: 'nameless' }) })).submitBenchmark;
    expect(b.device.id).toBe(a.device.id);

    const none = await machine.request(SUBMIT, { r: report({ scores: { cpu: null } }) });
    expect(codes(none)).toEqual(['BAD_USER_INPUT']);
    const outOfRange = await machine.request(SUBMIT, { r: report({ scores: { cpu: 101 } }) });
    expect(codes(outOfRange)).toEqual(['BAD_USER_INPUT']);
    expect(outOfRange.errors![0]!.message).toContain('scores.cpu');
  });

  it('refuses missing, revoked and wrongly scoped credentials, writing nothing', async () => {
    const before = await counts();
    const { createApiToken: sensors } = await admin.data(
      'mutation { createApiToken(name: "sensors", scopes: ["sensors:write"]) { token } }',
    );
    const { createApiToken: revoked } = await admin.data(
      'mutation { createApiToken(name: "old", scopes: ["benchmarks:write"]) { token apiToken { id } } }',
    );
    await admin.data('mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: revoked.apiToken.id });
    const user = await newUser(run.client);
    const r = report({ machineId: 'intruder', hostname: 'intruder' });

    expect(codes(await run.client.request(SUBMIT, { r }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await run.client.as(revoked.token).request(SUBMIT, { r }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await run.client.as(sensors.token).request(SUBMIT, { r }))).toEqual(['FORBIDDEN']);
    expect(codes(await run.client.as(user.token).request(SUBMIT, { r }))).toEqual(['FORBIDDEN']);
    expect(await counts()).toEqual(before);
  });
});

describe('devices, leaderboard and links', () => {
  it('filters, orders and pages devices, ranks them, and lets admins manage links', async () => {
    for (const [i, cpu] of [55, 95, 75].entries()) {
      await machine.data(SUBMIT, {
        r: { ...report({ machineId: `lb-${i}`, hostname: `leader-${i}`, scores: { cpu, mem: 50 } }), vendor: 'Acme' },
      });
    }
    const { devices } = await machine.data(
      '{ devices(filter: { vendor: "acme" }, orderBy: BEST_SCORE_DESC, first: 2) { nodes { hostname bestScore } pageInfo { endCursor hasNextPage } } }',
    );
    expect(devices.nodes.map((d: any) => d.hostname)).toEqual(['leader-1', 'leader-2']);
    const rest = await machine.data(
      'query($a: String) { devices(filter: { vendor: "acme" }, orderBy: BEST_SCORE_DESC, first: 2, after: $a) { nodes { hostname } pageInfo { hasNextPage } } }',
      { a: devices.pageInfo.endCursor },
    );
    expect(rest.devices).toEqual({ nodes: [{ hostname: 'leader-0' }], pageInfo: { hasNextPage: false } });
    expect(
      (await machine.data('{ devices(filter: { text: "ADER-2" }) { nodes { hostname } } }')).devices.nodes,
    ).toEqual([{ hostname: 'leader-2' }]);
    const minScore = await machine.data('{ devices(filter: { vendor: "acme", minScore: 60 }) { nodes { hostname } } }');
    expect(minScore.devices.nodes.map((d: any) => d.hostname).sort()).toEqual(['leader-1', 'leader-2']);

    const { leaderboard } = await machine.data(
      '{ leaderboard(component: CPU, first: 3) { rank score device { hostname } benchmark { scores { cpu } } } }',
    );
    expect(leaderboard[0]).toMatchObject({
      rank: 1,
      score: 95,
      device: { hostname: 'leader-1' },
      benchmark: { scores: { cpu: 95 } },
    });
    expect(leaderboard.map((e: any) => e.score)).toEqual(
      [...leaderboard.map((e: any) => e.score)].sort((a, b) => b - a),
    );

    const deviceId = (await machine.data('{ devices(filter: { text: "leader-1" }) { nodes { id } } }')).devices.nodes[0]
      .id;
    const ADD = 'mutation($d: ID!, $u: String!) { addDeviceLink(deviceId: $d, label: "Support", url: $u) { id url } }';
    expect(codes(await machine.request(ADD, { d: deviceId, u: 'https://acme.example/support' }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await admin.request(ADD, { d: deviceId, u: 'javascript:alert(1)' }))).toEqual(['BAD_USER_INPUT']);
    const { addDeviceLink } = await admin.data(ADD, { d: deviceId, u: 'https://acme.example/support' });
    await admin.data('mutation($id: ID!) { updateDeviceLink(id: $id, label: "Drivers") { id } }', {
      id: addDeviceLink.id,
    });
    expect(
      (await machine.data('query($id: ID!) { device(id: $id) { links { label url } } }', { id: deviceId })).device
        .links,
    ).toEqual([{ label: 'Drivers', url: 'https://acme.example/support' }]);
    await admin.data('mutation($id: ID!) { deleteDeviceLink(id: $id) }', { id: addDeviceLink.id });
    expect(
      (await machine.data('query($id: ID!) { device(id: $id) { links { id } } }', { id: deviceId })).device.links,
    ).toEqual([]);

    const { benchmarks } = await machine.data(
      'query($id: ID!) { benchmarks(deviceId: $id, first: 1) { nodes { globalScore } pageInfo { hasNextPage } } }',
      { id: deviceId },
    );
    expect(benchmarks.nodes).toHaveLength(1);
  });

  it('resolves devices with benchmarks, links and documents in a bounded number of statements', async () => {
    const measure = async () => {
      const before = await statementsSoFar(run.benchmarks);
      const { devices } = await machine.data(
        '{ devices(first: 100) { nodes { benchmarks { scores { cpu } snapshot { hash } } links { url } documents { filename } latestBenchmark { globalScore } } } }',
      );
      return { statements: (await statementsSoFar(run.benchmarks)) - before, devices: devices.nodes.length };
    };
    const few = await measure();
    for (let i = 0; i < 15; i++)
      await machine.data(SUBMIT, { r: report({ machineId: `many-${i}`, hostname: `many-${i}` }) });
    const many = await measure();
    expect(many.devices).toBe(few.devices + 15);
    expect(many.statements).toBe(few.statements);
  });
});

describe('documents', () => {
  const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3000, 7), Buffer.from('\n%%EOF\n')]);
  const EXE = Buffer.concat([Buffer.from('MZ\x90\x00'), Buffer.alloc(2000, 1)]);
  let deviceId: string;

  const newUpload = async (size: number, contentType = 'application/pdf', filename = 'manual.pdf') =>
    (
      await admin.data(
        'mutation($d: ID!, $f: String!, $t: String!, $s: Int!) { createDocumentUpload(deviceId: $d, filename: $f, contentType: $t, size: $s) { uploadUrl expiresAt } }',
        {
          d: deviceId,
          f: filename,
          t: contentType,
          s: size,
        },
      )
    ).createDocumentUpload;
  const put = (url: string, body: Buffer | Readable) =>
    fetch(url, {
      method: 'PUT',
      body: body instanceof Readable ? (Readable.toWeb(body) as ReadableStream) : body,
      ...(body instanceof Readable ? { duplex: 'half' } : {}),
    } as RequestInit);
  const blobs = async () => (await readdir(storage, { recursive: true })).filter((f) => /[0-9a-f]{64}$/.test(f));
  const documentCount = async () => (await sql.query('select count(*)::int as n from benchmarks.documents')).rows[0].n;

  beforeAll(async () => {
    deviceId = (await machine.data(SUBMIT, { r: report({ machineId: 'docs', hostname: 'docs' }) })).submitBenchmark
      .device.id;
  });

  it('round-trips the bytes exactly through the gateway, once per URL, stored once per content', async () => {
    const upload = await newUpload(PDF.length, 'application/pdf', 'Manuel d’utilisation.pdf');
    expect(upload.uploadUrl.startsWith(new URL(run.gateway.url).origin)).toBe(true);
    const stored = await put(upload.uploadUrl, PDF);
    expect(stored.status).toBe(201);
    expect((await put(upload.uploadUrl, PDF)).status).toBe(410);

    const { device } = await machine.data(
      'query($id: ID!) { device(id: $id) { documents { filename contentType size sha256 downloadUrl } } }',
      { id: deviceId },
    );
    const [document] = device.documents;
    expect(document).toMatchObject({
      filename: 'Manuel d’utilisation.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
    });
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

    // The same bytes again: a second document, one stored file.
    expect((await put((await newUpload(PDF.length)).uploadUrl, PDF)).status).toBe(201);
    expect(await blobs()).toHaveLength(1);
  });

  it('refuses disguised, oversize, expired and unknown uploads, keeping nothing', async () => {
    const files = await blobs();
    const documents = await documentCount();

    const disguised = await put((await newUpload(EXE.length, 'application/pdf', 'setup.pdf')).uploadUrl, EXE);
    expect(disguised.status).toBe(415);
    const mislabelled = await put((await newUpload(PDF.length, 'image/png', 'scan.png')).uploadUrl, PDF);
    expect(mislabelled.status).toBe(415);

    const small = await newUpload(1000);
    expect((await put(small.uploadUrl, PDF)).status).toBe(413);
    // Streamed without a length: cut off once past the announced size.
    const streamed = await put(
      (await newUpload(1000)).uploadUrl,
      Readable.from([PDF.subarray(0, 800), PDF.subarray(800)]),
    );
    expect(streamed.status).toBe(413);
    expect(
      codes({
        status: 200,
        errors: (
          await admin.request(
            'mutation($d: ID!) { createDocumentUpload(deviceId: $d, filename: "big.pdf", contentType: "application/pdf", size: 100001) { uploadUrl } }',
            { d: deviceId },
          )
        ).errors,
      }),
    ).toEqual(['BAD_USER_INPUT']);
    expect(
      codes(
        await admin.request(
          'mutation($d: ID!) { createDocumentUpload(deviceId: $d, filename: "x.exe", contentType: "application/x-msdownload", size: 10) { uploadUrl } }',
          { d: deviceId },
        ),
      ),
    ).toEqual(['BAD_USER_INPUT']);

    const expired = await newUpload(PDF.length);
    await sql.query("update benchmarks.uploads set expires_at = now() - interval '1 second' where used_at is null");
    expect((await put(expired.uploadUrl, PDF)).status).toBe(410);
    expect((await put(`${new URL(run.gateway.url).origin}/uploads/not-a-token`, PDF)).status).toBe(410);

    // A body far past the limit, streamed in many chunks: the client still reads the 413.
    const flood = Readable.from(
      (function* () {
        yield PDF.subarray(0, 16);
        for (let i = 0; i < 200; i++) yield Buffer.alloc(16_384, 3);
      })(),
    );
    expect((await put((await newUpload(1000)).uploadUrl, flood)).status).toBe(413);

    expect(await blobs()).toEqual(files);
    expect(await documentCount()).toBe(documents);
    expect((await readdir(join(storage, 'incoming'))).length).toBe(0);
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
    const deviceId = (await machine.data('{ devices(first: 1) { nodes { id } } }')).devices.nodes[0].id;
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

  it('answers ids that are not uuids as missing, without failing the rest', async () => {
    const { data, errors } = await machine.request(
      '{ a: device(id: "nope") { id } b: device(id: "00000000-0000-0000-0000-000000000000") { id } }',
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({ a: null, b: null });
    expect(codes(await admin.request('mutation { deleteDeviceLink(id: "nope") }'))).toEqual(['NOT_FOUND']);
  });
});

describe('export', () => {
  it('streams every device with its latest benchmark as CSV and as JSON', async () => {
    await sql.query(`
      insert into benchmarks.devices (id, machine_id, hostname, first_seen_at, last_seen_at, best_score, latest_score)
      select gen_random_uuid(), 'bulk-' || i, 'bulk-' || lpad(i::text, 5, '0'), now(), now(), 50, 50 from generate_series(1, 3000) i`);
    await sql.query(`insert into benchmarks.devices (id, hostname, vendor, first_seen_at, last_seen_at, best_score, latest_score)
      values (gen_random_uuid(), 'zz-formula', '=HYPERLINK("http://evil.example")', now(), now(), 1, 1)`);
    const total = (await sql.query('select count(*)::int as n from benchmarks.devices')).rows[0].n;
    const token = await loginAdmin(run.client);
    const origin = new URL(run.gateway.url).origin;

    expect((await fetch(`${origin}/exports/devices.csv`)).status).toBe(401);
    const csv = await fetch(`${origin}/exports/devices.csv`, { headers: { authorization: `Bearer ${token}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-length')).toBeNull();
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe(
      'id,hostname,machine_id,vendor,model,first_seen_at,last_seen_at,best_score,latest_ran_at,latest_global_score,latest_cpu,latest_mem,latest_disk,latest_net,latest_gpu',
    );
    expect(lines).toHaveLength(total + 1);
    expect(lines.filter((l) => l.includes(',bulk-0')).length).toBe(3000);
    // A cell that a spreadsheet would run as a formula is exported as text.
    expect(lines.find((l) => l.includes('zz-formula'))).toContain(`"'=HYPERLINK(""http://evil.example"")"`);

    const json = await fetch(`${origin}/exports/devices.json`, { headers: { authorization: `Bearer ${token}` } });
    const rows = (await json.json()) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(total);
    expect(rows.find((r) => r.hostname === 'rig-1-renamed' || r.hostname === 'rig-1')).toMatchObject({
      latest_global_score: expect.any(Number),
    });
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
    // Events travel the shared database: a password change reaches benchmarks at once.
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
    expect((await direct.request(DEVICES)).status).toBe(401);
  });
});
