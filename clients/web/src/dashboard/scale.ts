/** Maps [d0, d1] onto [r0, r1]; a domain of one value maps to the middle of the range. */
export function linear([d0, d1]: [number, number], [r0, r1]: [number, number]): (value: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

/** The smallest span holding every value given (nulls skipped), widened a little so nothing sits on an edge. */
export function extent(values: Array<number | null | undefined>): [number, number] {
  const known = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  if (!known.length) return [0, 1];
  const low = Math.min(...known);
  const high = Math.max(...known);
  const margin = (high - low) * 0.05 || Math.abs(high) * 0.05 || 1;
  return [low - margin, high + margin];
}

/** The drawing area of every chart: a viewBox this wide and high, with room for labels on the left and below. */
export const FRAME = { width: 640, height: 220, left: 56, right: 12, top: 12, bottom: 28 } as const;
