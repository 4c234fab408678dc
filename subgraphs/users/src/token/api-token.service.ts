import { isUuid, NotFoundError, parseInput, requireUser, z } from '@switchyard/kit';
import { sha256 } from '../auth.js';
import type { UsersContext } from '../context.js';
import { ApiToken } from './api-token.entity.js';

const NewToken = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  scopes: z
    .array(z.string().regex(/^[a-z][a-z-]*:(read|write)$/, 'each scope must look like benchmarks:write'))
    .min(1, 'must name at least one scope'),
});

/** Creates an API token; the token string is returned this once only. */
export async function createApiToken(ctx: UsersContext, input: { name: string; scopes: string[] }) {
  const viewer = requireUser(ctx);
  const { name, scopes } = parseInput(NewToken, input);
  const apiToken = ctx.em.create(ApiToken, { name, scopes: [...new Set(scopes)], createdBy: viewer.id, tokenHash: '' });
  const token = await ctx.issuer.issueApiToken(apiToken.id, apiToken.scopes);
  apiToken.tokenHash = sha256(token);
  await ctx.em.flush();
  return { token, apiToken };
}

export async function revokeApiToken(ctx: UsersContext, id: string): Promise<ApiToken> {
  const apiToken = isUuid(id) ? await ctx.em.findOne(ApiToken, { id: id.toLowerCase() }) : null;
  if (!apiToken) throw new NotFoundError('API token');
  if (!apiToken.revokedAt) {
    apiToken.revokedAt = new Date();
    await ctx.em.flush();
    await ctx.identityChanged({ tokenId: apiToken.id });
  }
  return apiToken;
}

export function listApiTokens(ctx: UsersContext): Promise<ApiToken[]> {
  return ctx.em.find(ApiToken, {}, { orderBy: { createdAt: 'desc' } });
}
