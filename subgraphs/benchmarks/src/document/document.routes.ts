import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { isUuid, refuse, requireCaller, route, type RouteDeps } from '@switchyard/kit';
import type { Express, Request, Response } from 'express';
import type { BenchmarksConfig } from '../context.js';
import { Document } from './document.entity.js';
import { tokenHash } from './document.service.js';
import { sniff, SNIFF_BYTES } from './sniff.js';
import type { BlobStore } from './storage.js';

/** How much of a refused body we still read (and drop) so the client gets our answer, not a reset. */
const DRAIN_BYTES = 16 * 2 ** 20;

interface Refusal {
  status: number;
  message: string;
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
  if (!upload)
    return answerAfterBody(req, res, { status: 410, message: 'this upload URL is unknown, used or expired' });
  const release = () =>
    em.execute('/* releaseUpload */ update uploads set used_at = null where token_hash = ?', [hash]);
  const limit = Math.min(upload.size, config.maxUploadBytes);
  const tooLarge = { status: 413, message: `larger than the announced ${limit} bytes` };
  if (Number(req.headers['content-length']) > limit) {
    await release();
    return answerAfterBody(req, res, tooLarge);
  }
  let pending: Awaited<ReturnType<BlobStore['begin']>> | undefined;
  try {
    pending = await store.begin();
    const digest = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    let refusal: Refusal | null = null;
    const typeRefusal = (): Refusal | null => {
      const type = sniff(head);
      if (!type) return { status: 415, message: 'not a PDF, PNG, JPEG or WebP file' };
      if (type !== upload.content_type)
        return { status: 415, message: `the bytes are ${type}, not the announced ${upload.content_type}` };
      return null;
    };
    // Once refused, the rest is read and dropped (never thrown out of the loop, which would
    // destroy the request and reset the client's connection before it sees our answer).
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (refusal) {
        if (size > limit + DRAIN_BYTES) break;
        continue;
      }
      if (size > limit) {
        refusal = tooLarge;
        continue;
      }
      if (head.length < SNIFF_BYTES) {
        head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
        if (head.length === SNIFF_BYTES) refusal = typeRefusal();
        if (refusal) continue;
      }
      digest.update(chunk);
      await pending.write(chunk);
    }
    refusal ??= head.length < SNIFF_BYTES ? typeRefusal() : null;
    if (refusal) {
      await pending.abort();
      await release();
      if (size > limit + DRAIN_BYTES) res.setHeader('connection', 'close');
      return refuse(
        res,
        refusal.status,
        refusal.message,
        refusal.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_USER_INPUT',
      );
    }
    const sha256 = digest.digest('hex');
    await pending.commit(sha256);
    pending = undefined;
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
    await pending?.abort();
    await release();
    throw error;
  }
}

/** Reads up to DRAIN_BYTES of a body we refuse, then answers (closing the connection if it was more). */
async function answerAfterBody(req: Request, res: Response, refusal: Refusal) {
  let read = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    read += chunk.length;
    if (read > DRAIN_BYTES) {
      res.setHeader('connection', 'close');
      break;
    }
  }
  refuse(res, refusal.status, refusal.message, refusal.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'NOT_FOUND');
}

/** GET /documents/:id — the bytes, with their type and file name, to signed-in callers. */
async function sendDocument(req: Request, res: Response, deps: RouteDeps, store: BlobStore) {
  if (!(await requireCaller(req, res, deps.caller))) return;
  const id = String(req.params.id);
  const document = isUuid(id) ? await deps.orm.em.fork().findOne(Document, { id: id.toLowerCase() }) : null;
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
  app.put(
    '/uploads/:token',
    route(deps.logger, (req, res) => receiveUpload(req, res, deps, store, config)),
  );
  app.get(
    '/documents/:id',
    route(deps.logger, (req, res) => sendDocument(req, res, deps, store)),
  );
}
