import { createServer } from 'node:http';
import { freePort } from './services.js';

/**
 * A stand-in for Yahoo Finance over real HTTP, speaking what the yahoo provider needs: the
 * cookie-and-crumb handshake (a page that sets a cookie, `getcrumb` that needs it) and
 * `/v7/finance/quote`, which refuses a request without that cookie and crumb. Prices are what
 * the test sets; symbols without one are left out, as Yahoo does. `failWith` makes every quote
 * request answer that status, with a plain-text body as Yahoo's edge does; `hold` leaves them
 * unanswered (in `held`).
 */
export async function startFakeYahoo() {
  const crumb = 'Crumb.7f3a';
  const cookie = 'A3=d=AQABBtest&S=AQAAAtest';
  const prices = new Map<string, number>();
  const quoteRequests: string[][] = [];
  const state = { handshakes: 0, failWith: undefined as number | undefined, hold: false };
  /** Quote requests taken while `state.hold` is set: never answered (a provider that hangs). */
  const held: Array<import('node:http').ServerResponse> = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://yahoo');
    const hasCookie = req.headers.cookie?.includes(cookie) ?? false;
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith('/quote/')) {
      res.writeHead(200, {
        'content-type': 'text/html',
        'set-cookie': `${cookie}; Max-Age=31557600; Domain=.yahoo.com; Path=/; Secure; HttpOnly; SameSite=None`,
      });
      return res.end('<html><body>quote</body></html>');
    }
    if (url.pathname === '/v1/test/getcrumb') {
      state.handshakes++;
      res.writeHead(hasCookie ? 200 : 403, { 'content-type': 'text/plain' });
      return res.end(hasCookie ? crumb : '');
    }
    if (url.pathname === '/v7/finance/quote') {
      if (state.hold) {
        held.push(res);
        return;
      }
      if (state.failWith) {
        res.writeHead(state.failWith, { 'content-type': 'text/plain' });
        return res.end(state.failWith === 429 ? 'Too Many Requests' : 'Service Unavailable');
      }
      if (!hasCookie || url.searchParams.get('crumb') !== crumb) {
        return json(401, { finance: { result: null, error: { code: 'Unauthorized', description: 'Invalid Crumb' } } });
      }
      const symbols = (url.searchParams.get('symbols') ?? '').split(',').filter(Boolean);
      quoteRequests.push(symbols);
      const result = symbols.filter((s) => prices.has(s)).map((s) => quoteOf(s, prices.get(s)!));
      return json(200, { quoteResponse: { result, error: null } });
    }
    json(404, { finance: { result: null, error: { code: 'Not Found' } } });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    prices,
    quoteRequests,
    state,
    held,
    close: () => {
      for (const res of held.splice(0)) res.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One quote as Yahoo's v7 endpoint gives it (the fields every quote carries, and the price). */
function quoteOf(symbol: string, price: number) {
  return {
    language: 'en-US',
    region: 'US',
    quoteType: 'EQUITY',
    typeDisp: 'Equity',
    quoteSourceName: 'Nasdaq Real Time Price',
    triggerable: true,
    customPriceAlertConfidence: 'HIGH',
    currency: 'USD',
    exchange: 'NMS',
    marketState: 'REGULAR',
    exchangeTimezoneName: 'America/New_York',
    exchangeTimezoneShortName: 'EST',
    gmtOffSetMilliseconds: -18_000_000,
    market: 'us_market',
    esgPopulated: false,
    tradeable: false,
    cryptoTradeable: false,
    hasPrePostMarketData: true,
    firstTradeDateMilliseconds: 345_479_400_000,
    priceHint: 2,
    regularMarketPrice: price,
    regularMarketTime: Math.floor(Date.now() / 1000),
    fullExchangeName: 'NasdaqGS',
    sourceInterval: 15,
    exchangeDataDelayedBy: 0,
    symbol,
  };
}
