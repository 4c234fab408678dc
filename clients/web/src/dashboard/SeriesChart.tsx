import { ChartFrame } from './ChartFrame';
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
    <ChartFrame
      label={label}
      domain={series.length ? domain : undefined}
      span={[new Date(from).toISOString(), new Date(to).toISOString()]}
      caption={
        series.length
          ? `Average per ${bucket}, band from minimum to maximum; ${count} readings.`
          : 'No readings in the last day.'
      }
    >
      {series.length > 0 && <polygon className="band" points={band} />}
      {series.length > 1 && (
        <polyline className="line" points={series.map((point, i) => `${at[i]},${y(point.avg).toFixed(1)}`).join(' ')} />
      )}
      {series.map((point, i) => (
        <circle key={point.start} cx={at[i]} cy={y(point.avg)} r={2} className="point">
          <title>{`${formatTime(point.start)}: avg ${formatValue(point.avg, sensor.unit)}, min ${formatValue(point.min)}, max ${formatValue(point.max)}, ${point.count} readings`}</title>
        </circle>
      ))}
    </ChartFrame>
  );
}
