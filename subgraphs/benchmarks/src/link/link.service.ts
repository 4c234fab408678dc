import { isUuid, NotFoundError, parseInput, z } from '@switchyard/kit';
import type { BenchmarksContext } from '../context.js';
import { DeviceLink } from './link.entity.js';

const label = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const url = z
  .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
  .max(2000, 'must be at most 2000 characters');

export async function addLink(ctx: BenchmarksContext, input: { deviceId: string; label: string; url: string }) {
  const fields = parseInput(z.object({ label, url }), input);
  if (!(await ctx.loaders.device.load(input.deviceId))) throw new NotFoundError('device');
  const link = ctx.em.create(DeviceLink, { deviceId: input.deviceId, ...fields });
  await ctx.em.flush();
  return link;
}

export async function updateLink(ctx: BenchmarksContext, id: string, input: { label?: string; url?: string }) {
  const changes = parseInput(z.object({ label: label.optional(), url: url.optional() }), input);
  const link = isUuid(id) ? await ctx.em.findOne(DeviceLink, { id: id.toLowerCase() }) : null;
  if (!link) throw new NotFoundError('link');
  ctx.em.assign(link, Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)));
  await ctx.em.flush();
  return link;
}

export async function deleteLink(ctx: BenchmarksContext, id: string): Promise<boolean> {
  const removed = isUuid(id) ? await ctx.em.nativeDelete(DeviceLink, { id: id.toLowerCase() }) : 0;
  if (!removed) throw new NotFoundError('link');
  return true;
}
