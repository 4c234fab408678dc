import { createLogger } from '@switchyard/kit';
import { startFakeYahoo } from '@switchyard/testing';
import { YahooProvider } from '../providers/yahoo.js';

describe('YahooProvider', () => {
  let yahoo: Awaited<ReturnType<typeof startFakeYahoo>>;
  beforeAll(async () => {
    yahoo = await startFakeYahoo();
  });
  afterAll(() => yahoo.close());

  it('asks for a long list in chunks of 100 and keeps only real prices', async () => {
    const symbols = Array.from({ length: 250 }, (_, i) => `S${i}`);
    symbols.forEach((s, i) => yahoo.prices.set(s, i % 50 === 0 ? 0 : i + 0.5));
    const quotes = await new YahooProvider(createLogger('test', 'silent'), `${yahoo.url}/`).quote(symbols);

    expect(yahoo.quoteRequests.map((r) => r.length)).toEqual([100, 100, 50]);
    expect(yahoo.quoteRequests.flat()).toEqual(symbols);
    expect(quotes).toEqual(symbols.flatMap((symbol, i) => (i % 50 === 0 ? [] : [{ symbol, price: i + 0.5 }])));
    expect(yahoo.state.handshakes).toBe(1);
  });
});
