import type { Logger } from '@switchyard/kit';
import YahooFinance from 'yahoo-finance2';
import type { PriceProvider, Quote } from './provider.js';

/** Yahoo's quote endpoint takes a list of symbols; larger lists are asked in chunks of this size. */
const CHUNK = 100;

/**
 * Latest prices from Yahoo Finance (yahoo-finance2): one quote request per chunk of symbols, after
 * Yahoo's cookie-and-crumb handshake, which the library does once and reuses. Symbols Yahoo does
 * not know are left out, like any provider's. `baseUrl` sends every request to another origin
 * (an egress proxy, or a recorded Yahoo in tests), keeping path and query.
 */
export class YahooProvider implements PriceProvider {
  readonly name = 'yahoo';
  private readonly client: InstanceType<typeof YahooFinance>;

  constructor(logger: Logger, baseUrl?: string) {
    const log = logger.child({ provider: 'yahoo' });
    this.client = new YahooFinance({
      versionCheck: false,
      suppressNotices: ['yahooSurvey'],
      validation: { logErrors: false },
      logger: {
        info: (...args: unknown[]) => log.info(args.join(' ')),
        warn: (...args: unknown[]) => log.warn(args.join(' ')),
        error: (...args: unknown[]) => log.error(args.join(' ')),
        debug: (...args: unknown[]) => log.debug(args.join(' ')),
        dir: (...args: unknown[]) => log.debug({ args }, 'yahoo-finance2'),
      },
      fetch: fetchVia(baseUrl),
    });
  }

  async quote(symbols: string[]): Promise<Quote[]> {
    const quotes: Quote[] = [];
    for (let i = 0; i < symbols.length; i += CHUNK) {
      const results = await this.client.quote(symbols.slice(i, i + CHUNK), {
        fields: ['symbol', 'regularMarketPrice'],
        return: 'array',
      });
      for (const { symbol, regularMarketPrice: price } of results) {
        if (typeof price === 'number' && Number.isFinite(price) && price > 0) quotes.push({ symbol, price });
      }
    }
    return quotes;
  }
}

/**
 * The fetch the client uses: to `baseUrl`'s origin (and path prefix) instead of Yahoo's when set.
 * Set-Cookie lists are copied into an array of this realm: the client's cookie jar checks
 * `instanceof Array`, which fails for the runtime's own arrays inside a sandbox such as jest's.
 */
function fetchVia(baseUrl?: string): typeof fetch {
  const base = baseUrl?.replace(/\/+$/, '');
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const response = await fetch(base ? `${base}${url.pathname}${url.search}` : url, init);
    const cookies = Array.from(response.headers.getSetCookie());
    Object.defineProperty(response.headers, 'getSetCookie', { value: () => cookies });
    return response;
  };
}
