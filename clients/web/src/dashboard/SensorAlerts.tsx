import { useEffect, useState } from 'react';
import { ErrorNote } from './ErrorNote';
import { formatTime, formatValue } from './format';
import { useQuery, useSubscription } from './hooks';
import type { SensorAlertEvent } from './types';

const FIELDS = 'sensorId siteId at value kind normalMin normalMax sensor { code unit }';
const STORED = `query DashboardSensorAlerts($siteId: ID) { sensorAlerts(siteId: $siteId, first: 20) { nodes { ${FIELDS} } } }`;
const LIVE = `subscription DashboardSensorAlert($siteId: ID) { sensorAlert(siteId: $siteId) { ${FIELDS} } }`;
const KEEP = 50;

const keyOf = (alert: SensorAlertEvent) => `${alert.sensorId}@${alert.at}`;

/** Newest first, each alert once. */
function merge(alerts: SensorAlertEvent[], more: SensorAlertEvent[]): SensorAlertEvent[] {
  const byKey = new Map([...alerts, ...more].map((alert) => [keyOf(alert), alert]));
  return [...byKey.values()].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, KEEP);
}

/** Readings outside their normal range, of the chosen site or all: the last stored ones, then each as it is stored. */
export function SensorAlerts({ siteId }: { siteId?: string }) {
  const variables = { siteId: siteId ?? null };
  const stored = useQuery<{ sensorAlerts: { nodes: SensorAlertEvent[] } }>(STORED, variables);
  const [alerts, setAlerts] = useState<SensorAlertEvent[]>([]);
  useEffect(() => {
    if (stored.data) setAlerts((live) => merge(live, stored.data!.sensorAlerts.nodes));
  }, [stored.data]);
  const liveError = useSubscription<{ sensorAlert: SensorAlertEvent }>(LIVE, variables, ({ sensorAlert }) =>
    setAlerts((live) => merge(live, [sensorAlert])),
  );
  return (
    <aside className="alerts">
      <h2>Sensor alerts {siteId ? <small>this site</small> : <small>all sites</small>}</h2>
      <ErrorNote error={stored.error} />
      <ErrorNote error={liveError} what="Live alerts" />
      <ol aria-label="Sensor alerts" aria-live="polite">
        {alerts.map((alert) => (
          <li key={keyOf(alert)} className={`alert ${alert.kind.toLowerCase()}`}>
            <strong>{alert.kind}</strong> {alert.sensor?.code ?? alert.sensorId}{' '}
            <output>{formatValue(alert.value, alert.sensor?.unit)}</output>{' '}
            <small>
              (normal {formatValue(alert.normalMin)} to {formatValue(alert.normalMax)}) at{' '}
              <time dateTime={alert.at}>{formatTime(alert.at)}</time>
            </small>
          </li>
        ))}
      </ol>
      {stored.data && !alerts.length && <p className="hint">None yet.</p>}
    </aside>
  );
}
