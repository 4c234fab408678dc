import { parseInput, requireUser } from '@switchyard/kit';
import type { UsersContext } from '../context.js';
import { Watch } from './watch.entity.js';
import { UnwatchArgs, WatchArgs } from './watch.inputs.js';

/**
 * Adds a ticker to the viewer's watchlist, or updates its thresholds. Followers are counted
 * from the watches themselves, so concurrent watch/unwatch cannot make the count drift.
 */
export async function watch(ctx: UsersContext, input: { symbol: string; high: number; low: number }): Promise<Watch> {
  const viewer = requireUser(ctx);
  const { symbol, high, low } = parseInput(WatchArgs, input);
  await ctx.em.transactional(async (em) => {
    // Upserting (not "do nothing") locks the ticker row, so cleanup cannot delete it between
    // these two statements.
    await em.execute(
      '/* ensureTicker */ insert into tickers (symbol) values (?) on conflict (symbol) do update set symbol = excluded.symbol',
      [symbol],
    );
    await em.execute(
      `/* upsertWatch */ insert into watches (user_id, symbol, high, low) values (?, ?, ?, ?)
       on conflict (user_id, symbol) do update set high = excluded.high, low = excluded.low`,
      [viewer.id, symbol, high, low],
    );
  });
  return ctx.em.findOneOrFail(Watch, { user: viewer.id, ticker: symbol }, { refresh: true });
}

/** Removes a ticker from the viewer's watchlist; false when it was not there. */
export async function unwatch(ctx: UsersContext, input: { symbol: string }): Promise<boolean> {
  const viewer = requireUser(ctx);
  const { symbol } = parseInput(UnwatchArgs, input);
  const removed = await ctx.em.nativeDelete(Watch, { user: viewer.id, ticker: symbol });
  return removed > 0;
}
