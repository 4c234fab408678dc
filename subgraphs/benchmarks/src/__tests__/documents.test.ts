import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseEnv } from '@switchyard/kit';
import { aloneGatewayKey, codes, userViewer, viewerHeader } from '@switchyard/testing';
import { benchmarksEnv } from '../env.js';
import type { S3Store } from '../document/s3-storage.js';
import { documentStore } from '../service.js';
import { report, SUBMIT, useBenchmarks } from './alone.js';
import { type S3Server, startS3Server } from './s3-server.js';

/** Where the bytes go, and how a test sees what is stored there without the service's code. */
interface Backend {
  settings(): Record<string, string>;
  /** The SHA-256 keys stored. */
  blobs(): Promise<string[]>;
  /** Writes begun and not yet committed or aborted. */
  incoming(): Promise<string[]>;
}

function diskBackend(): Backend {
  const storage = mkdtempSync(join(tmpdir(), 'documents-'));
  afterAll(() => rm(storage, { recursive: true, force: true }));
  return {
    settings: () => ({ STORAGE_DIR: storage }),
    blobs: async () => (await readdir(storage, { recursive: true })).filter((f) => /[0-9a-f]{64}$/.test(f)),
    incoming: () => readdir(join(storage, 'incoming')),
  };
}

/** A real S3-compatible server in this process, on a free port, with an empty bucket. */
function s3Backend(): Backend {
  let s3: S3Server;
  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(() => s3?.close());
  return {
    settings: () => s3.settings,
    blobs: async () => (await s3.keys('documents/')).filter((k) => /^documents\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(k)),
    incoming: () => s3.keys('documents/incoming/'),
  };
}

describe.each([
  ['a folder', diskBackend],
  ['an S3 bucket', s3Backend],
])('documents in %s', (_where, makeBackend) => {
  const backend = makeBackend();
  const benchmarks = useBenchmarks(() => ({ ...backend.settings(), MAX_UPLOAD_BYTES: '100000' }));
  documentTests(benchmarks, backend);
});

describe('the S3 document store', () => {
  const backend = s3Backend();
  it('stops the start when its bucket is missing, naming it', async () => {
    const env = parseEnv(benchmarksEnv, { ...backend.settings(), S3_BUCKET: 'no-such-bucket' });
    await expect(documentStore(env)).rejects.toThrow(/document bucket no-such-bucket is not usable/);
  });

  it('streams a document past the multipart size in parts, and an aborted one leaves nothing', async () => {
    const store = await documentStore(parseEnv(benchmarksEnv, backend.settings()));
    const bytes = randomBytes(7 * 2 ** 20);
    const key = createHash('sha256').update(bytes).digest('hex');
    const pending = await store.begin();
    for (let at = 0; at < bytes.length; at += 64 * 1024) await pending.write(bytes.subarray(at, at + 64 * 1024));
    await pending.commit(key);
    const blob = await store.read(key);
    expect(blob?.size).toBe(bytes.length);
    expect(Buffer.concat(await blob!.stream.toArray()).equals(bytes)).toBe(true);

    const aborted = await store.begin();
    for (let at = 0; at < bytes.length; at += 64 * 1024) await aborted.write(bytes.subarray(at, at + 64 * 1024));
    await aborted.abort();
    expect(await backend.incoming()).toEqual([]);
    expect(await store.read('0'.repeat(64))).toBeNull();
  });

  it('keeps a committed document when its temporary object cannot be deleted, leaving that to the sweep', async () => {
    const warnings: unknown[] = [];
    const store = (await documentStore(parseEnv(benchmarksEnv, backend.settings()), {
      warn: (...args: unknown[]) => warnings.push(args),
    })) as S3Store;
    // The bucket refuses deletes (a policy without s3:DeleteObject, an outage after the copy).
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteObjectCommand') throw new Error('AccessDenied');
        return next(args);
      },
      { step: 'initialize', name: 'refuseDeletes' },
    );
    const bytes = randomBytes(1000);
    const key = createHash('sha256').update(bytes).digest('hex');
    const before = await backend.incoming();
    const pending = await store.begin();
    await pending.write(bytes);
    await pending.commit(key);
    const blob = await store.read(key);
    expect(Buffer.concat(await blob!.stream.toArray()).equals(bytes)).toBe(true);
    expect((await backend.incoming()).filter((k) => !before.includes(k))).toHaveLength(1);
    expect(warnings).toHaveLength(1);
  });
});

function documentTests(benchmarks: ReturnType<typeof useBenchmarks>, backend: Backend) {
  const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3000, 7), Buffer.from('\n%%EOF\n')]);
  const EXE = Buffer.concat([Buffer.from('MZ\x90\x00'), Buffer.alloc(2000, 1)]);
  let deviceId: string;

  const newUpload = async (size: number, contentType = 'application/pdf', filename = 'manual.pdf') =>
    (
      await benchmarks.admin.data(
        'mutation($d: ID!, $f: String!, $t: String!, $s: Int!) { createDocumentUpload(deviceId: $d, filename: $f, contentType: $t, size: $s) { uploadUrl expiresAt } }',
        {
          d: deviceId,
          f: filename,
          t: contentType,
          s: size,
        },
      )
    ).createDocumentUpload;
  // Uploads come with no viewer, as the gateway passes them on: the URL is the credential.
  const put = async (url: string, body: Buffer | Readable) =>
    fetch(url, {
      method: 'PUT',
      headers: await viewerHeader(await aloneGatewayKey(), 'benchmarks'),
      body: body instanceof Readable ? (Readable.toWeb(body) as ReadableStream) : body,
      ...(body instanceof Readable ? { duplex: 'half' } : {}),
    } as RequestInit);
  const blobs = backend.blobs;
  const documentCount = async () =>
    (await benchmarks.sql.query('select count(*)::int as n from benchmarks.documents')).rows[0].n;

  beforeAll(async () => {
    deviceId = (await benchmarks.machine.data(SUBMIT, { r: report({ machineId: 'docs', hostname: 'docs' }) }))
      .submitBenchmark.device.id;
  });

  describe('documents', () => {
    it('round-trips the bytes exactly, once per URL, stored once per content', async () => {
      const upload = await newUpload(PDF.length, 'application/pdf', 'Manuel d’utilisation.pdf');
      expect(upload.uploadUrl.startsWith(`${benchmarks.origin}/uploads/`)).toBe(true);
      const stored = await put(upload.uploadUrl, PDF);
      expect(stored.status).toBe(201);
      expect((await put(upload.uploadUrl, PDF)).status).toBe(410);

      const { device } = await benchmarks.machine.data(
        'query($id: ID!) { device(id: $id) { documents { filename contentType size sha256 downloadUrl } } }',
        { id: deviceId },
      );
      const [document] = device.documents;
      expect(document).toMatchObject({
        filename: 'Manuel d’utilisation.pdf',
        contentType: 'application/pdf',
        size: PDF.length,
      });
      const key = await aloneGatewayKey();
      expect((await fetch(document.downloadUrl, { headers: await viewerHeader(key, 'benchmarks') })).status).toBe(401);
      const download = await fetch(document.downloadUrl, {
        headers: await viewerHeader(key, 'benchmarks', userViewer(randomUUID(), 'ADMIN')),
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
      const { admin, sql } = benchmarks;
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
      expect((await put(`${benchmarks.origin}/uploads/not-a-token`, PDF)).status).toBe(410);

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
      expect(await backend.incoming()).toEqual([]);
    });
  });
}
