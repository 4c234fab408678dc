import type { FormEvent } from 'react';
import { ErrorNote } from './ErrorNote';
import { useMutation } from './hooks';

const WATCH = `mutation DashboardWatch($symbol: String!, $high: Float!, $low: Float!) {
  watch(symbol: $symbol, high: $high, low: $low) { ticker { symbol } }
}`;

/** Follows a symbol (or changes its thresholds): an alert comes when its price leaves [low, high]. */
export function WatchForm({ onWatched }: { onWatched: () => void }) {
  const watch = useMutation(WATCH);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const fields = new FormData(form);
    const done = await watch.run({
      symbol: String(fields.get('symbol')).trim().toUpperCase(),
      high: Number(fields.get('high')),
      low: Number(fields.get('low')),
    });
    if (!done) return;
    form.reset();
    onWatched();
  };
  return (
    <form className="inline" onSubmit={submit} aria-label="Watch a symbol">
      <label>
        Symbol <input name="symbol" required size={8} />
      </label>
      <label>
        Low <input name="low" type="number" step="any" required size={8} />
      </label>
      <label>
        High <input name="high" type="number" step="any" required size={8} />
      </label>
      <button type="submit" disabled={watch.busy}>
        Watch
      </button>
      <ErrorNote error={watch.error} what="Watch" />
    </form>
  );
}
