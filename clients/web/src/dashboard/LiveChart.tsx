import { formatTime, formatValue } from './format';
import { extent, FRAME, linear } from './scale';
import type { Point, SensorInfo } from './types';

/**
 * A sensor's recent readings as a line, drawn as they arrive; the normal range dashed. The latest
 * reading is named in the chart's accessible label and shown below it, from the same points.
 */
export function LiveChart({ sensor, points }: { sensor: SensorInfo; points: Point[] }) {
  const { width, height, left, right, top, bottom } = FRAME;
  const times = points.map((point) => Date.parse(point.at));
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const x = linear([t0, t1], [left, width - right]);
  const domain = extent([...points.map((point) => point.value), sensor.normalMin, sensor.normalMax]);
  const y = linear(domain, [height - bottom, top]);
  const latest = points.at(-1);
  const outside = (value: number) =>
    (sensor.normalMin !== null && value < sensor.normalMin) || (sensor.normalMax !== null && value > sensor.normalMax);
  const label = latest
    ? `${sensor.code}, ${points.length} readings; latest ${formatValue(latest.value, sensor.unit)} at ${latest.at}`
    : `${sensor.code}, no readings yet`;
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={label}
        data-latest-value={latest?.value}
        data-latest-at={latest?.at}
      >
        <title>{label}</title>
        <text x={left - 6} y={top + 4} className="axis" textAnchor="end">
          {formatValue(domain[1])}
        </text>
        <text x={left - 6} y={height - bottom} className="axis" textAnchor="end">
          {formatValue(domain[0])}
        </text>
        <line x1={left} x2={left} y1={top} y2={height - bottom} className="frame" />
        <line x1={left} x2={width - right} y1={height - bottom} y2={height - bottom} className="frame" />
        {[sensor.normalMin, sensor.normalMax].map((bound, i) =>
          bound === null ? null : (
            <line key={i} x1={left} x2={width - right} y1={y(bound)} y2={y(bound)} className="normal">
              <title>{`normal ${i ? 'max' : 'min'} ${formatValue(bound, sensor.unit)}`}</title>
            </line>
          ),
        )}
        {points.length > 1 && (
          <polyline
            className="line"
            points={points.map((point, i) => `${x(times[i]!).toFixed(1)},${y(point.value).toFixed(1)}`).join(' ')}
          />
        )}
        {points.map((point, i) => (
          <circle
            key={point.at}
            cx={x(times[i]!)}
            cy={y(point.value)}
            r={point === latest ? 4 : 2}
            className={outside(point.value) ? 'point out' : 'point'}
          >
            <title>{`${formatValue(point.value, sensor.unit)} at ${point.at}`}</title>
          </circle>
        ))}
        {latest && (
          <>
            <text x={left} y={height - 8} className="axis">
              {formatTime(points[0]!.at)}
            </text>
            <text x={width - right} y={height - 8} className="axis" textAnchor="end">
              {formatTime(latest.at)}
            </text>
          </>
        )}
      </svg>
      <figcaption>
        {latest ? (
          <>
            Latest <output className="latest">{formatValue(latest.value, sensor.unit)}</output> at{' '}
            <time dateTime={latest.at}>{formatTime(latest.at)}</time>
          </>
        ) : (
          'No readings in the last day yet; new ones appear here as they are stored.'
        )}
      </figcaption>
    </figure>
  );
}
