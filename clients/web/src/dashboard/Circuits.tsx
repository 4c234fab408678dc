import { useState } from 'react';
import { ErrorNote } from './ErrorNote';
import { formatTime, formatValue } from './format';
import { useMutation, useQuery } from './hooks';

const COLLECTOR = `query DashboardCollector {
  ingestionStats {
    providers { name circuit }
    rounds failedRounds lastRoundAt pricesCollected alertsRaised tickersTracked mailsWaiting mailsUndelivered
  }
  tickers(first: 100) {
    nodes { symbol followers latestPrice latestPriceAt feed { provider circuit lastSuccessAt consecutiveFailures lastError } }
  }
}`;
const COLLECT = `mutation DashboardCollectNow { collectNow { tickers prices alerts error } }`;
const POLL_MS = 15_000;

type Circuit = 'CLOSED' | 'OPEN' | 'HALF_OPEN';
interface Collector {
  ingestionStats: {
    providers: Array<{ name: string; circuit: Circuit }>;
    rounds: number;
    failedRounds: number;
    lastRoundAt: string | null;
    pricesCollected: number;
    alertsRaised: number;
    tickersTracked: number;
    mailsWaiting: number;
    mailsUndelivered: number;
  } | null;
  tickers: {
    nodes: Array<{
      symbol: string;
      followers: number;
      latestPrice: number | null;
      latestPriceAt: string | null;
      feed: {
        provider: string;
        circuit: Circuit;
        lastSuccessAt: string | null;
        consecutiveFailures: number;
        lastError: string | null;
      } | null;
    }>;
  } | null;
}

const CircuitBadge = ({ circuit }: { circuit: Circuit }) => (
  <span className={`circuit ${circuit.toLowerCase()}`}>{circuit.replace('_', ' ').toLowerCase()}</span>
);

/** The market collector: each provider's circuit breaker, its rounds, and each ticker's feed. */
export function Circuits() {
  const { data, error, refetch } = useQuery<Collector>(COLLECTOR, {}, POLL_MS);
  const collectNow = useMutation<{
    collectNow: { tickers: number; prices: number; alerts: number; error: string | null };
  }>(COLLECT);
  const [collected, setCollected] = useState<string>();
  const stats = data?.ingestionStats;
  const collect = async () => {
    const done = (await collectNow.run())?.collectNow;
    // A refused round changed nothing to show.
    if (!done) return;
    setCollected(done.error ?? `${done.prices} prices of ${done.tickers} tickers, ${done.alerts} alerts`);
    refetch();
  };
  return (
    <section>
      <h2>Collector circuits</h2>
      <ErrorNote error={error} />
      {stats && (
        <>
          <ul className="providers" aria-label="Providers">
            {stats.providers.map((provider) => (
              <li key={provider.name}>
                {provider.name} <CircuitBadge circuit={provider.circuit} />
              </li>
            ))}
          </ul>
          <p>
            {stats.rounds} rounds ({stats.failedRounds} failed), the last at {formatTime(stats.lastRoundAt)};{' '}
            {stats.pricesCollected} prices of {stats.tickersTracked} tickers; {stats.alertsRaised} alerts; mails waiting{' '}
            {stats.mailsWaiting}, undelivered {stats.mailsUndelivered}.
          </p>
        </>
      )}
      <p>
        <button type="button" onClick={collect} disabled={collectNow.busy}>
          Collect now
        </button>{' '}
        {collected && <output>{collected}</output>}
      </p>
      <ErrorNote error={collectNow.error} what="Collect now" />
      <table aria-label="Ticker feeds">
        <thead>
          <tr>
            <th>Symbol</th>
            <th>Followers</th>
            <th>Latest price</th>
            <th>Provider</th>
            <th>Circuit</th>
            <th>Last success</th>
            <th>Failures</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {data?.tickers?.nodes.map((ticker) => (
            <tr key={ticker.symbol}>
              <th scope="row">{ticker.symbol}</th>
              <td className="number">{ticker.followers}</td>
              <td className="number">{formatValue(ticker.latestPrice)}</td>
              <td>{ticker.feed?.provider ?? '—'}</td>
              <td>{ticker.feed ? <CircuitBadge circuit={ticker.feed.circuit} /> : 'not tried yet'}</td>
              <td>{formatTime(ticker.feed?.lastSuccessAt)}</td>
              <td className="number">{ticker.feed?.consecutiveFailures ?? '—'}</td>
              <td>{ticker.feed?.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
