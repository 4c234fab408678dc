import { ChartFrame } from './ChartFrame';
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
    <ChartFrame
      label={label}
      domain={domain}
      span={latest && [points[0]!.at, latest.at]}
      data={{ 'data-latest-value': latest?.value, 'data-latest-at': latest?.at }}
      caption={
        latest ? (
          <>
            Latest <output className="latest">{formatValue(latest.value, sensor.unit)}</output> at{' '}
            <time dateTime={latest.at}>{formatTime(latest.at)}</time>
          </>
        ) : (
          'No readings in the last day yet; new ones appear here as they are stored.'
        )
      }
    >
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
    </ChartFrame>
  );
}
