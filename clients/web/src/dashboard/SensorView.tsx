import { useEffect, useRef, useState } from 'react';
import { ErrorNote } from './ErrorNote';
import { DAY_MS, formatValue } from './format';
import { useQuery, useReconnected, useSubscription } from './hooks';
import { LiveChart } from './LiveChart';
import { SeriesChart } from './SeriesChart';
import type { Point, SensorInfo, SeriesPoint } from './types';

const RECENT = `query DashboardRecentReadings($id: ID!, $from: DateTimeISO!) {
  sensor(id: $id) { readings(from: $from, first: 100) { nodes { at value } } }
}`;
const SERIES = `query DashboardSeries($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!, $bucket: String!) {
  sensor(id: $id) { series(from: $from, to: $to, bucket: $bucket) { start count avg min max } }
}`;
const LIVE = `subscription DashboardReadings($ids: [ID!]!) { readings(sensorIds: $ids) { sensorId at value } }`;

/** Readings kept on the live chart. */
const KEEP = 200;
const BUCKET = '15m';
/** The series is asked again at most this often while readings arrive (its rollups change with them). */
const SERIES_REFRESH_MS = 5000;

/** New points in time order, each instant once, the last `KEEP` of them. */
function merge(points: Point[], more: Point[]): Point[] {
  const byTime = new Map(points.map((point) => [point.at, point]));
  for (const point of more)
    byTime.set(new Date(point.at).toISOString(), { at: new Date(point.at).toISOString(), value: point.value });
  return [...byTime.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).slice(-KEEP);
}

const MINUTE_MS = 60_000;

/**
 * The day up to the end of the current minute, computed anew for each request (a span fixed when
 * the view opened would drift): a series holds only the minute rollups wholly inside its span.
 */
const lastDay = () => {
  const to = (Math.floor(Date.now() / MINUTE_MS) + 1) * MINUTE_MS;
  return { from: to - DAY_MS, to };
};

export function SensorView({ sensor }: { sensor: SensorInfo }) {
  const [recentFrom, setRecentFrom] = useState(() => lastDay().from);
  const recent = useQuery<{ sensor: { readings: { nodes: Point[] } } | null }>(RECENT, {
    id: sensor.id,
    from: new Date(recentFrom).toISOString(),
  });
  const [span, setSpan] = useState(lastDay);
  const series = useQuery<{ sensor: { series: SeriesPoint[] } | null }>(SERIES, {
    id: sensor.id,
    from: new Date(span.from).toISOString(),
    to: new Date(span.to).toISOString(),
    bucket: BUCKET,
  });
  // Within one minute the span stays the same: the query is asked again all the same.
  const { refetch: refetchSeries } = series;
  const { refetch: refetchRecent } = recent;
  const refreshSeries = () => {
    setSpan(lastDay());
    refetchSeries();
  };
  const [points, setPoints] = useState<Point[]>([]);
  useEffect(() => {
    const stored = recent.data?.sensor?.readings.nodes;
    if (stored) setPoints((live) => merge(live, stored));
  }, [recent.data]);
  const refresh = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(refresh.current), []);
  const liveError = useSubscription<{ readings: Array<Point & { sensorId: string }> }>(
    LIVE,
    { ids: [sensor.id] },
    ({ readings }) => {
      setPoints((live) => merge(live, readings));
      refresh.current ??= setTimeout(() => {
        refresh.current = undefined;
        refreshSeries();
      }, SERIES_REFRESH_MS);
    },
  );
  // Readings stored while the socket was down were published to nobody: ask for them.
  useReconnected(() => {
    setRecentFrom(lastDay().from);
    refetchRecent();
    refreshSeries();
  });
  const normal =
    sensor.normalMin === null && sensor.normalMax === null
      ? 'no normal range'
      : `normal ${formatValue(sensor.normalMin)} to ${formatValue(sensor.normalMax, sensor.unit)}`;
  return (
    <>
      <h2>
        {sensor.code}{' '}
        <small>
          {sensor.kind} · {normal}
        </small>
      </h2>
      <h3>Live</h3>
      <ErrorNote error={recent.error} what="Recent readings" />
      <ErrorNote error={liveError} what="Live readings" />
      <LiveChart sensor={sensor} points={points} />
      <h3>Last day</h3>
      <ErrorNote error={series.error} what="Series" />
      <SeriesChart
        sensor={sensor}
        series={series.data?.sensor?.series ?? []}
        from={span.from}
        to={span.to}
        bucket={BUCKET}
      />
    </>
  );
}
