import { type FormEvent, useState } from 'react';
import { ErrorNote } from './ErrorNote';
import type { Gateway, OperationError } from './graphql';
import { LOGIN, type Session } from './session';

export function SignIn({
  gateway,
  onSignedIn,
  ended,
}: {
  gateway: Gateway;
  onSignedIn: (session: Session) => void;
  /** Why the last session ended, when the gateway ended it. */
  ended?: OperationError;
}) {
  const [error, setError] = useState<OperationError>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    try {
      const { login } = await gateway.request<{ login: Session }>(LOGIN, {
        email: form.get('email'),
        password: form.get('password'),
      });
      onSignedIn(login);
    } catch (failure) {
      setError(failure as OperationError);
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <h1>Switchyard dashboard</h1>
      <ErrorNote error={ended} what="Signed out" />
      <form onSubmit={submit}>
        <label>
          Email <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <ErrorNote error={error} what="Sign-in failed" />
      <p className="hint">
        The account you use with the API; <a href="/graphiql">GraphiQL</a> speaks to the same gateway.
      </p>
    </main>
  );
}
