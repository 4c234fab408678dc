import { Stack, startFakeYahoo } from '@switchyard/testing';
import { loginAdmin, newUser, type Running, startStack } from './stack.js';

const WATCH = 'mutation($s: String!, $h: Float!, $l: Float!) { watch(symbol: $s, high: $h, low: $l) { high } }';
const TICKERS = `{ aapl: ticker(symbol: "AAPL") { latestPrice feed { provider circuit consecutiveFailures lastError } }
  zzzz: ticker(symbol: "ZZZZ") { latestPrice feed { consecutiveFailures lastError } } }`;

describe('the yahoo provider, against a Yahoo over HTTP', () => {
  const stack = new Stack();
  let run: Running;
  let yahoo: Awaited<ReturnType<typeof startFakeYahoo>>;

  beforeAll(async () => {
    yahoo = await startFakeYahoo();
    run = await startStack(stack, { ingestion: { MARKET_PROVIDER: 'yahoo', YAHOO_BASE_URL: yahoo.url } });
  });
  afterAll(async () => {
    await stack.close();
    await yahoo.close();
  });

  it('collects the followed tickers in one request after one handshake, and raises alerts on its prices', async () => {
    const user = await newUser(run.client);
    const as = run.client.as(user.token);
    await as.data(WATCH, { s: 'AAPL', h: 250, l: 100 });
    await as.data(WATCH, { s: 'MSFT', h: 500, l: 300 });
    await as.data(WATCH, { s: 'ZZZZ', h: 2, l: 1 });
    yahoo.prices.set('AAPL', 230.5).set('MSFT', 410.25).set('IBM', 300);
    const admin = run.client.as(await loginAdmin(run.client));
    const collect = async () =>
      (await admin.data('mutation { collectNow { tickers prices alerts error } }')).collectNow;

    expect(await collect()).toEqual({ tickers: 3, prices: 2, alerts: 0, error: null });
    expect(yahoo.quoteRequests.map((symbols) => [...symbols].sort())).toEqual([['AAPL', 'MSFT', 'ZZZZ']]);
    expect(await admin.data(TICKERS)).toEqual({
      aapl: {
        latestPrice: 230.5,
        feed: { provider: 'yahoo', circuit: 'CLOSED', consecutiveFailures: 0, lastError: null },
      },
      // Unknown to Yahoo: no price, a miss for that ticker's feed, not an error of the provider.
      zzzz: { latestPrice: null, feed: { consecutiveFailures: 1, lastError: null } },
    });

    yahoo.prices.set('AAPL', 251.75);
    expect(await collect()).toEqual({ tickers: 3, prices: 2, alerts: 1, error: null });
    expect(yahoo.state.handshakes).toBe(1);
    const { alerts } = await as.data('{ alerts { nodes { kind price threshold ticker { symbol } } } }');
    expect(alerts.nodes).toEqual([{ kind: 'HIGH', price: 251.75, threshold: 250, ticker: { symbol: 'AAPL' } }]);
  });

  it("counts Yahoo's refusals against its circuit, and its next good answer resets the count", async () => {
    const admin = run.client.as(await loginAdmin(run.client));
    const collect = async () => (await admin.data('mutation { collectNow { prices error } }')).collectNow;
    yahoo.state.failWith = 429;
    for (let i = 1; i <= 2; i++) {
      const report = await collect();
      expect(report.prices).toBe(0);
      expect(report.error).toBe('yahoo: Too Many Requests');
    }
    let { aapl } = await admin.data(TICKERS);
    expect(aapl.feed).toMatchObject({ provider: 'yahoo', circuit: 'CLOSED', consecutiveFailures: 2 });
    expect(aapl.latestPrice).toBe(251.75);

    yahoo.state.failWith = undefined;
    yahoo.prices.set('AAPL', 240);
    expect(await collect()).toEqual({ prices: 2, error: null });
    ({ aapl } = await admin.data(TICKERS));
    expect(aapl).toMatchObject({ latestPrice: 240, feed: { consecutiveFailures: 0, lastError: null } });
  });
});
