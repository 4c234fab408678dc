import type { OperationError } from './graphql';

/** An error as the gateway gave it: its code first, then what it said. */
export function ErrorNote({ error, what }: { error: OperationError | undefined; what?: string }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {what ? `${what}: ` : ''}
      <code>{error.code}</code> {error.message}
    </p>
  );
}
