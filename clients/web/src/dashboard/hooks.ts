import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Gateway, OperationError } from './graphql';
import type { Session } from './session';

export interface Signed {
  gateway: Gateway;
  session: Session;
  /** Ends the session; with an error, says why (a token that expired or was revoked). */
  signOut(reason?: OperationError): void;
}

export const SignedIn = createContext<Signed | null>(null);

export function useSignedIn(): Signed {
  const signed = useContext(SignedIn);
  if (!signed) throw new Error('useSignedIn outside <SignedIn.Provider>');
  return signed;
}

export interface Query<T> {
  data: T | null;
  error?: OperationError;
  loading: boolean;
  refetch(): void;
}

/**
 * A query, run again when its variables change, on `refetch` and every `pollMs` if given; the
 * last answer stays shown while the next one loads. An UNAUTHENTICATED answer signs out.
 */
export function useQuery<T>(query: string, variables: Record<string, unknown> = {}, pollMs?: number): Query<T> {
  const { gateway, signOut } = useSignedIn();
  const [state, setState] = useState<Omit<Query<T>, 'refetch'>>({ data: null, loading: true });
  const [round, setRound] = useState(0);
  const key = JSON.stringify(variables);
  useEffect(() => {
    let current = true;
    setState((before) => ({ ...before, loading: true }));
    void gateway.execute<T>(query, JSON.parse(key)).then(({ data, error }) => {
      if (!current) return;
      if (error?.code === 'UNAUTHENTICATED') signOut(error);
      setState({ data, error, loading: false });
    });
    const timer = pollMs ? setTimeout(() => setRound((n) => n + 1), pollMs) : undefined;
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [gateway, signOut, query, key, pollMs, round]);
  const refetch = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, refetch };
}

/** A subscription while the component is shown; `onData` may change between renders. */
export function useSubscription<T>(
  query: string,
  variables: Record<string, unknown>,
  onData: (data: T) => void,
): OperationError | undefined {
  const { gateway, signOut } = useSignedIn();
  const [error, setError] = useState<OperationError>();
  const handler = useRef(onData);
  useLayoutEffect(() => {
    handler.current = onData;
  });
  const key = JSON.stringify(variables);
  useEffect(() => {
    setError(undefined);
    return gateway.subscribe<T>(
      query,
      JSON.parse(key),
      (data) => handler.current(data),
      (failure) => {
        if (failure.code === 'UNAUTHENTICATED') signOut(failure);
        setError(failure);
      },
    );
  }, [gateway, signOut, query, key]);
  return error;
}
