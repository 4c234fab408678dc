import type { FilterQuery } from '@mikro-orm/core';
import { keysetAfter, type KeyKind, type Page, pageSize, parseInput, toPage, z } from '@switchyard/kit';
import { registerEnumType } from 'type-graphql';
import type { BenchmarksContext } from '../context.js';
import { Device } from './device.entity.js';

export const DeviceOrder = {
  HOSTNAME_ASC: 'HOSTNAME_ASC',
  LAST_SEEN_DESC: 'LAST_SEEN_DESC',
  BEST_SCORE_DESC: 'BEST_SCORE_DESC',
} as const;
export type DeviceOrder = keyof typeof DeviceOrder;
registerEnumType(DeviceOrder, { name: 'DeviceOrder' });

const ORDERS: Record<DeviceOrder, { key: [keyof Device & string, KeyKind]; dir: 'asc' | 'desc' }> = {
  HOSTNAME_ASC: { key: ['hostname', 'string'], dir: 'asc' },
  LAST_SEEN_DESC: { key: ['lastSeenAt', 'date'], dir: 'desc' },
  BEST_SCORE_DESC: { key: ['bestScore', 'number'], dir: 'desc' },
};

export const DeviceFilterArgs = z.object({
  text: z.string().trim().max(200, 'must be at most 200 characters').optional(),
  vendor: z.string().trim().max(200, 'must be at most 200 characters').optional(),
  minScore: z.number().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100').optional(),
});

const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listDevices(
  ctx: BenchmarksContext,
  filter: z.input<typeof DeviceFilterArgs> | undefined,
  args: { orderBy?: DeviceOrder; first?: number; after?: string },
): Promise<Page<Device>> {
  const { text, vendor, minScore } = parseInput(DeviceFilterArgs, filter ?? {});
  const order = ORDERS[args.orderBy ?? 'HOSTNAME_ASC'];
  const size = pageSize(args.first);
  const where: FilterQuery<Device>[] = [keysetAfter<Device>(args.after, [order.key, ['id', 'string']], order.dir)];
  if (text) {
    where.push({
      $or: [
        { hostname: { $ilike: like(text) } },
        { model: { $ilike: like(text) } },
        { vendor: { $ilike: like(text) } },
      ],
    });
  }
  if (vendor) where.push({ vendor: { $ilike: vendor.replace(/[\\%_]/g, (c) => `\\${c}`) } });
  if (minScore != null) where.push({ bestScore: { $gte: minScore } });
  const rows = await ctx.em.find(
    Device,
    { $and: where },
    {
      orderBy: { [order.key[0]]: order.dir, id: order.dir },
      limit: size + 1,
    },
  );
  return toPage(rows, size, (d) => {
    const value = d[order.key[0]];
    return [value instanceof Date ? value.toISOString() : (value as string | number), d.id];
  });
}
