import { createHash, randomBytes } from 'node:crypto';
import { NotFoundError, parseInput, z } from '@switchyard/kit';
import { type BenchmarksContext, publicBase } from '../context.js';
import { Upload } from './document.entity.js';
import { ACCEPTED_TYPES } from './sniff.js';

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** What a client asked to upload: the name kept for downloads, the type and size it announced. */
function uploadRequest(maxBytes: number) {
  return z.object({
    filename: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .refine((name) => !/[/\\\p{Cc}]/u.test(name), 'must be a plain file name'),
    contentType: z.enum(ACCEPTED_TYPES as [string, ...string[]], {
      error: `must be one of ${ACCEPTED_TYPES.join(', ')}`,
    }),
    size: z
      .number()
      .int('must be a whole number of bytes')
      .min(1, 'must be positive')
      .max(maxBytes, `must be at most ${maxBytes} bytes`),
  });
}

/** A one-time URL at the gateway's address, to PUT the document's bytes to before it expires. */
export async function createDocumentUpload(
  ctx: BenchmarksContext,
  input: { deviceId: string; filename: string; contentType: string; size: number },
) {
  const request = parseInput(uploadRequest(ctx.config.maxUploadBytes), input);
  if (!(await ctx.loaders.device.load(input.deviceId))) throw new NotFoundError('device');
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ctx.config.uploadTtlSec * 1000);
  ctx.em.create(Upload, { tokenHash: tokenHash(token), deviceId: input.deviceId, ...request, expiresAt });
  await ctx.em.flush();
  return { uploadUrl: `${publicBase(ctx)}/uploads/${token}`, expiresAt, maxBytes: request.size };
}

export function downloadUrl(ctx: BenchmarksContext, documentId: string): string {
  return `${publicBase(ctx)}/documents/${documentId}`;
}
