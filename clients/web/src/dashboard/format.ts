/** A time as this browser's clock shows it, with seconds; the date too when it is not today. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const at = new Date(iso);
  const today = at.toDateString() === new Date().toDateString();
  return today
    ? at.toLocaleTimeString(undefined, { hour12: false })
    : at.toLocaleString(undefined, { hour12: false, dateStyle: 'short', timeStyle: 'medium' });
}

/** A measured value to at most six significant digits (an integer in full), as its unit reads. */
export function formatValue(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined) return '—';
  const shown = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  return unit ? `${shown} ${unit}` : shown;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
