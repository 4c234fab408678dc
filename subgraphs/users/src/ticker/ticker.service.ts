import { decodeCursor, keysetAfter, type Page, pageSize, parseInput, toPage, z } from '@switchyard/kit';
import type { UsersContext } from '../context.js';
import { Price } from './price.entity.js';
import { Ticker } from './ticker.entity.js';
import { symbol, window } from './ticker.inputs.js';

export async function getTicker(ctx: UsersContext, raw: string): Promise<Ticker | null> {
  return ctx.em.findOne(Ticker, { symbol: parseInput(z.object({ symbol }), { symbol: raw }).symbol });
}

export async function listTickers(
  ctx: UsersContext,
  first?: number | null,
  after?: string | null,
): Promise<Page<Ticker>> {
  const size = pageSize(first);
  const rows = await ctx.em.find(Ticker, keysetAfter<Ticker>(after, ['symbol', 'string'], 'asc'), {
    orderBy: { symbol: 'asc' },
    limit: size + 1,
  });
  return toPage(rows, size, (t) => [t.symbol]);
}

export async function mean(ctx: UsersContext, ticker: Ticker, raw: string): Promise<number | null> {
  const ms = parseInput(z.object({ window }), { window: raw }).window;
  return ctx.loaders.mean(ms).load(ticker.symbol);
}

const PriceRange = z
  .object({ from: z.date().optional(), to: z.date().optional() })
  .refine((r) => !r.from || !r.to || r.from < r.to, { message: 'must be before to', path: ['from'] });

/** Newest first; the cursor is the time of the last price seen. */
export async function prices(
  ctx: UsersContext,
  ticker: Ticker,
  range: { from?: Date; to?: Date; first?: number; after?: string },
): Promise<Page<Price>> {
  const { from, to } = parseInput(PriceRange, { from: range.from, to: range.to });
  const size = pageSize(range.first);
  const [after] = decodeCursor(range.after, ['date']) ?? [];
  const at: Record<string, Date> = {};
  if (from) at.$gte = from;
  if (to) at.$lt = to;
  if (after && !(to && to < after)) at.$lt = after;
  const rows = await ctx.em.find(
    Price,
    { ticker: ticker.symbol, ...(Object.keys(at).length ? { at } : {}) },
    { orderBy: { at: 'desc' }, limit: size + 1 },
  );
  return toPage(rows, size, (p) => [p.at.toISOString()]);
}
