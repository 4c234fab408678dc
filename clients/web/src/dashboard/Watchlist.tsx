import { useState } from 'react';
import { ErrorNote } from './ErrorNote';
import { formatTime, formatValue } from './format';
import { useMutation, useQuery, useSubscription } from './hooks';
import { WatchForm } from './WatchForm';

const WATCHLIST = `query DashboardWatchlist {
  me { watchlist { high low ticker { symbol latestPrice latestPriceAt } } }
  alerts(first: 20) { nodes { id kind price threshold triggeredAt ticker { symbol } } }
}`;
const LIVE = `subscription DashboardAlertTriggered { alertTriggered { id kind price threshold triggeredAt ticker { symbol } } }`;
const UNWATCH = `mutation DashboardUnwatch($symbol: String!) { unwatch(symbol: $symbol) }`;
/** Prices come every few minutes; the list is asked again this often, and at once on an alert. */
const POLL_MS = 30_000;

interface Watch {
  high: number;
  low: number;
  ticker: { symbol: string; latestPrice: number | null; latestPriceAt: string | null };
}
interface Alert {
  id: string;
  kind: 'HIGH' | 'LOW';
  price: number;
  threshold: number;
  triggeredAt: string;
  ticker: { symbol: string };
}

/** The signed-in user's watchlist with the latest prices, and their alerts, live. */
export function Watchlist() {
  const list = useQuery<{ me: { watchlist: Watch[] } | null; alerts: { nodes: Alert[] } }>(WATCHLIST, {}, POLL_MS);
  const [arrived, setArrived] = useState<Alert[]>([]);
  const unwatch = useMutation(UNWATCH);
  const liveError = useSubscription<{ alertTriggered: Alert }>(LIVE, {}, ({ alertTriggered }) => {
    setArrived((before) => [alertTriggered, ...before.filter((alert) => alert.id !== alertTriggered.id)]);
    list.refetch();
  });
  const stored = list.data?.alerts.nodes ?? [];
  const alerts = [...arrived, ...stored.filter((alert) => !arrived.some((live) => live.id === alert.id))];
  const stop = async (symbol: string) => {
    if (await unwatch.run({ symbol })) list.refetch();
  };
  return (
    <div className="watchlist">
      <section>
        <h2>Watchlist</h2>
        <ErrorNote error={list.error} />
        <ErrorNote error={unwatch.error} what="Unwatch" />
        <table>
          <thead>
            <tr>
              <th>Symbol</th>
              <th>Latest price</th>
              <th>At</th>
              <th>Low</th>
              <th>High</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data?.me?.watchlist.map(({ ticker, high, low }) => (
              <tr key={ticker.symbol} data-symbol={ticker.symbol}>
                <th scope="row">{ticker.symbol}</th>
                <td className="number">{formatValue(ticker.latestPrice)}</td>
                <td>{formatTime(ticker.latestPriceAt)}</td>
                <td className="number">{formatValue(low)}</td>
                <td className="number">{formatValue(high)}</td>
                <td>
                  <button type="button" onClick={() => stop(ticker.symbol)} disabled={unwatch.busy}>
                    Unwatch
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data?.me?.watchlist.length === 0 && <p className="hint">Nothing watched yet.</p>}
        <WatchForm onWatched={list.refetch} />
      </section>
      <aside className="alerts">
        <h2>Price alerts</h2>
        <ErrorNote error={liveError} what="Live alerts" />
        <ol aria-label="Price alerts" aria-live="polite">
          {alerts.map((alert) => (
            <li key={alert.id} className={`alert ${alert.kind.toLowerCase()}`} data-alert={alert.id}>
              <strong>{alert.kind}</strong> {alert.ticker.symbol} <output>{formatValue(alert.price)}</output>{' '}
              <small>
                (threshold {formatValue(alert.threshold)}) at{' '}
                <time dateTime={alert.triggeredAt}>{formatTime(alert.triggeredAt)}</time>
              </small>
            </li>
          ))}
        </ol>
        {list.data && !alerts.length && <p className="hint">None yet.</p>}
      </aside>
    </div>
  );
}
