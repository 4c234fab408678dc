import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { isUuid, type RouteDeps } from '@switchyard/kit';
import type { Express, Request, Response } from 'express';
import type { BenchmarksConfig } from '../context.js';
import { Document } from './document.entity.js';
import { tokenHash } from './document.service.js';
import { sniff, SNIFF_BYTES } from './sniff.js';
import type { BlobStore } from './storage.js';

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function refuse(res: Response, status: number, message: string, code = 'BAD_REQUEST') {
  res.status(status).json({ error: message, code });
}

/** Signed-in callers only (users or API tokens), as for GraphQL. */
export async function requireCaller(req: Request, res: Response, deps: RouteDeps): Promise<boolean> {
  const { viewer, authError } = await deps.auth.authenticate(req.headers.authorization);
  if (viewer) return true;
  refuse(res, 401, authError?.message ?? 'authentication required', 'UNAUTHENTICATED');
  return false;
}

/**
 * PUT /uploads/:token — the bytes of a document announced by createDocumentUpload. The URL works
 * once: it is claimed before reading, and released again only if the bytes are refused.
 */
async function receiveUpload(req: Request, res: Response, deps: RouteDeps, store: BlobStore, config: BenchmarksConfig) {
  const em = deps.orm.em.fork();
  const hash = tokenHash(String(req.params.token));
  const [upload] = await em.execute<Array<{ device_id: string; filename: string; content_type: string; size: number }>>(
    `/* claimUpload */ update uploads set used_at = now()
     where token_hash = ? and used_at is null and expires_at > now() returning *`,
    [hash],
  );
  if (!upload) {
    req.resume();
    return refuse(res, 410, 'this upload URL is unknown, used or expired', 'NOT_FOUND');
  }
  const release = () =>
    em.execute('/* releaseUpload */ update uploads set used_at = null where token_hash = ?', [hash]);
  const limit = Math.min(upload.size, config.maxUploadBytes);
  const pending = await store.begin();
  try {
    if (Number(req.headers['content-length']) > limit)
      throw new Refusal(413, `larger than the announced ${limit} bytes`);
    const digest = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    const checkType = () => {
      const type = sniff(head);
      if (!type) throw new Refusal(415, 'not a PDF, PNG, JPEG or WebP file');
      if (type !== upload.content_type)
        throw new Refusal(415, `the bytes are ${type}, not the announced ${upload.content_type}`);
    };
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new Refusal(413, `larger than the announced ${limit} bytes`);
      if (head.length < SNIFF_BYTES) {
        head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
        if (head.length === SNIFF_BYTES) checkType();
      }
      digest.update(chunk);
      if (!pending.stream.write(chunk)) await once(pending.stream, 'drain');
    }
    if (head.length < SNIFF_BYTES) checkType();
    const sha256 = digest.digest('hex');
    await pending.commit(sha256);
    const document = em.create(Document, {
      deviceId: upload.device_id,
      filename: upload.filename,
      contentType: upload.content_type,
      size,
      sha256,
    });
    await em.flush();
    res.status(201).json({ id: document.id, sha256, size, contentType: document.contentType });
  } catch (error) {
    await pending.abort();
    await release();
    if (!(error instanceof Refusal)) throw error;
    // Whatever the client still sends is read and dropped, so it receives our answer.
    req.resume();
    refuse(res, error.status, error.message, error.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_USER_INPUT');
  }
}

/** GET /documents/:id — the bytes, with their type and file name, to signed-in callers. */
async function sendDocument(req: Request, res: Response, deps: RouteDeps, store: BlobStore) {
  if (!(await requireCaller(req, res, deps))) return;
  const id = String(req.params.id);
  const document = isUuid(id) ? await deps.orm.em.fork().findOne(Document, { id }) : null;
  const blob = document && (await store.read(document.sha256));
  if (!document || !blob) return refuse(res, 404, 'no such document', 'NOT_FOUND');
  const ascii = document.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  res.setHeader('content-type', document.contentType);
  res.setHeader('content-length', String(blob.size));
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader(
    'content-disposition',
    `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(document.filename)}`,
  );
  await pipeline(blob.stream, res);
}

export function documentRoutes(app: Express, deps: RouteDeps, store: BlobStore, config: BenchmarksConfig): void {
  const handle = (route: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response) => {
    route(req, res).catch((error: unknown) => {
      deps.logger.error({ err: error, path: req.path }, 'document route failed');
      if (!res.headersSent) refuse(res, 500, 'internal server error', 'INTERNAL_SERVER_ERROR');
      else res.destroy();
    });
  };
  app.put(
    '/uploads/:token',
    handle((req, res) => receiveUpload(req, res, deps, store, config)),
  );
  app.get(
    '/documents/:id',
    handle((req, res) => sendDocument(req, res, deps, store)),
  );
}
