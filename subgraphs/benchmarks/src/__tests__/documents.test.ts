import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { aloneGatewayKey, codes, userViewer, viewerHeader } from '@switchyard/testing';
import { report, SUBMIT, useBenchmarks } from './alone.js';

const storage = mkdtempSync(join(tmpdir(), 'documents-'));
const benchmarks = useBenchmarks(() => ({ STORAGE_DIR: storage, MAX_UPLOAD_BYTES: '100000' }));
afterAll(() => rm(storage, { recursive: true, force: true }));

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
const blobs = async () => (await readdir(storage, { recursive: true })).filter((f) => /[0-9a-f]{64}$/.test(f));
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
    expect((await readdir(join(storage, 'incoming'))).length).toBe(0);
  });
});
