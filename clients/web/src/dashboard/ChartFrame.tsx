import type { ReactNode } from 'react';
import { formatTime, formatValue } from './format';
import { FRAME } from './scale';

/**
 * What every chart draws around its marks: the svg named by `label` (for screen readers and as a
 * tooltip), the value axis with `domain`'s ends, the time axis with `span`'s ends, and the caption.
 */
export function ChartFrame({
  label,
  domain,
  span,
  caption,
  data,
  children,
}: {
  label: string;
  /** The values at the bottom and the top; none while there is nothing to scale. */
  domain?: [number, number];
  /** The times at the left and the right (ISO); none while there is nothing to place. */
  span?: [string, string];
  caption: ReactNode;
  /** `data-*` attributes for the svg. */
  data?: Record<`data-${string}`, string | number | undefined>;
  children: ReactNode;
}) {
  const { width, height, left, right, top, bottom } = FRAME;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} {...data}>
        <title>{label}</title>
        {domain && (
          <>
            <text x={left - 6} y={top + 4} className="axis" textAnchor="end">
              {formatValue(domain[1])}
            </text>
            <text x={left - 6} y={height - bottom} className="axis" textAnchor="end">
              {formatValue(domain[0])}
            </text>
          </>
        )}
        <line x1={left} x2={left} y1={top} y2={height - bottom} className="frame" />
        <line x1={left} x2={width - right} y1={height - bottom} y2={height - bottom} className="frame" />
        {children}
        {span && (
          <>
            <text x={left} y={height - 8} className="axis">
              {formatTime(span[0])}
            </text>
            <text x={width - right} y={height - 8} className="axis" textAnchor="end">
              {formatTime(span[1])}
            </text>
          </>
        )}
      </svg>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}
