import type { FormEvent } from 'react';
import { ErrorNote } from './ErrorNote';
import type { Gateway, OperationError } from './graphql';
import { useMutation } from './hooks';
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
  const login = useMutation<{ login: Session }>(LOGIN, gateway);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const done = await login.run({ email: form.get('email'), password: form.get('password') });
    if (done) onSignedIn(done.login);
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
        <button type="submit" disabled={login.busy}>
          Sign in
        </button>
      </form>
      <ErrorNote error={login.error} what="Sign-in failed" />
      <p className="hint">
        The account you use with the API; <a href="/graphiql">GraphiQL</a> speaks to the same gateway.
      </p>
    </main>
  );
}
