import type { UsersContext } from '../context.js';
import { Ticker } from './ticker.entity.js';

export const tickerReference = {
  Ticker: {
    // Every Ticker field is derived from its symbol, so a reference needs no lookup.
    __resolveReference: (ref: { symbol: string }, ctx: UsersContext) => ctx.em.getReference(Ticker, ref.symbol),
  },
};
