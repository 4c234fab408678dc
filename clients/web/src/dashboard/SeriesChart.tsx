import { formatTime, formatValue } from './format';
import { extent, FRAME, linear } from './scale';
import type { SensorInfo, SeriesPoint } from './types';

/** A day of a sensor's buckets: the average as a line over the band from minimum to maximum. */
export function SeriesChart({
  sensor,
  series,
  from,
  to,
  bucket,
}: {
  sensor: SensorInfo;
  series: SeriesPoint[];
  from: number;
  to: number;
  bucket: string;
}) {
  const { width, height, left, right, top, bottom } = FRAME;
  const x = linear([from, to], [left, width - right]);
  const domain = extent(series.flatMap((point) => [point.min, point.max]));
  const y = linear(domain, [height - bottom, top]);
  const at = series.map((point) => x(Date.parse(point.start)).toFixed(1));
  const band = [
    ...series.map((point, i) => `${at[i]},${y(point.max).toFixed(1)}`),
    ...series.map((point, i) => `${at[i]},${y(point.min).toFixed(1)}`).reverse(),
  ].join(' ');
  const count = series.reduce((sum, point) => sum + point.count, 0);
  const label = `${sensor.code} over the last day: ${series.length} buckets of ${bucket}, ${count} readings`;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        <title>{label}</title>
        <text x={left - 6} y={top + 4} className="axis" textAnchor="end">
          {series.length ? formatValue(domain[1]) : ''}
        </text>
        <text x={left - 6} y={height - bottom} className="axis" textAnchor="end">
          {series.length ? formatValue(domain[0]) : ''}
        </text>
        <line x1={left} x2={left} y1={top} y2={height - bottom} className="frame" />
        <line x1={left} x2={width - right} y1={height - bottom} y2={height - bottom} className="frame" />
        {series.length > 0 && <polygon className="band" points={band} />}
        {series.length > 1 && (
          <polyline
            className="line"
            points={series.map((point, i) => `${at[i]},${y(point.avg).toFixed(1)}`).join(' ')}
          />
        )}
        {series.map((point, i) => (
          <circle key={point.start} cx={at[i]} cy={y(point.avg)} r={2} className="point">
            <title>{`${formatTime(point.start)}: avg ${formatValue(point.avg, sensor.unit)}, min ${formatValue(point.min)}, max ${formatValue(point.max)}, ${point.count} readings`}</title>
          </circle>
        ))}
        <text x={left} y={height - 8} className="axis">
          {formatTime(new Date(from).toISOString())}
        </text>
        <text x={width - right} y={height - 8} className="axis" textAnchor="end">
          {formatTime(new Date(to).toISOString())}
        </text>
      </svg>
      <figcaption>
        {series.length
          ? `Average per ${bucket}, band from minimum to maximum; ${count} readings.`
          : 'No readings in the last day.'}
      </figcaption>
    </figure>
  );
}
