import { type FormEvent, useState } from 'react';
import { ErrorNote } from './ErrorNote';
import type { OperationError } from './graphql';
import { useSignedIn } from './hooks';

const WATCH = `mutation DashboardWatch($symbol: String!, $high: Float!, $low: Float!) {
  watch(symbol: $symbol, high: $high, low: $low) { ticker { symbol } }
}`;

/** Follows a symbol (or changes its thresholds): an alert comes when its price leaves [low, high]. */
export function WatchForm({ onWatched }: { onWatched: () => void }) {
  const { gateway } = useSignedIn();
  const [error, setError] = useState<OperationError>();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const fields = new FormData(form);
    try {
      await gateway.request(WATCH, {
        symbol: String(fields.get('symbol')).trim().toUpperCase(),
        high: Number(fields.get('high')),
        low: Number(fields.get('low')),
      });
      setError(undefined);
      form.reset();
      onWatched();
    } catch (failure) {
      setError(failure as OperationError);
    }
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
      <button type="submit">Watch</button>
      <ErrorNote error={error} what="Watch" />
    </form>
  );
}
