import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { type Gateway, OperationError } from './graphql';
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
 * A query, run again when its variables change, on `refetch` and `pollMs` after each answer if
 * given (so a slow answer is never cut short by the next round); the last data stays shown while
 * the next one loads and when it fails. An UNAUTHENTICATED answer signs out.
 */
export function useQuery<T>(query: string, variables: Record<string, unknown> = {}, pollMs?: number): Query<T> {
  const { gateway, signOut } = useSignedIn();
  const [state, setState] = useState<Omit<Query<T>, 'refetch'>>({ data: null, loading: true });
  const [round, setRound] = useState(0);
  const key = JSON.stringify(variables);
  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState((before) => ({ ...before, loading: true }));
    void gateway.execute<T>(query, JSON.parse(key)).then(({ data, error }) => {
      if (!current) return;
      if (error?.code === 'UNAUTHENTICATED') signOut(error);
      setState((before) => ({ data: error && data === null ? before.data : data, error, loading: false }));
      if (pollMs) timer = setTimeout(() => setRound((n) => n + 1), pollMs);
    });
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [gateway, signOut, query, key, pollMs, round]);
  const refetch = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, refetch };
}

/**
 * A subscription while the component is shown; `onData` may change between renders. Its error
 * is shown until a result without one comes.
 */
export function useSubscription<T>(
  query: string,
  variables: Record<string, unknown>,
  onData: (data: T) => void,
): OperationError | undefined {
  const { gateway, signOut } = useSignedIn();
  const [error, setError] = useState<OperationError>();
  const handler = useLatest(onData);
  const key = JSON.stringify(variables);
  useEffect(() => {
    setError(undefined);
    return gateway.subscribe<T>(query, JSON.parse(key), (outcome) => {
      if (outcome.error?.code === 'UNAUTHENTICATED') signOut(outcome.error);
      setError(outcome.error);
      if (outcome.data) handler.current(outcome.data);
    });
  }, [gateway, signOut, query, key, handler]);
  return error;
}

/** Called when the live socket is back after a drop: what was published meanwhile was missed. */
export function useReconnected(onReconnected: () => void): void {
  const { gateway } = useSignedIn();
  const handler = useLatest(onReconnected);
  useEffect(() => {
    let dropped = false;
    return gateway.onLive((state) => {
      if (state === 'reconnecting' || state === 'offline') dropped = true;
      else if (state === 'live' && dropped) {
        dropped = false;
        handler.current();
      }
    });
  }, [gateway, handler]);
}

export interface Mutation<T> {
  /** Runs it unless a run is under way; its data, or undefined when it failed (then `error` says why). */
  run(variables?: Record<string, unknown>): Promise<T | undefined>;
  error?: OperationError;
  busy: boolean;
}

/**
 * A mutation run from a button or form: busy while it runs (a second run meanwhile is ignored),
 * its error shown until a run succeeds. Signed in, an UNAUTHENTICATED answer signs out; the
 * sign-in page passes its own `gateway`.
 */
export function useMutation<T = unknown>(query: string, gateway?: Gateway): Mutation<T> {
  const signed = useContext(SignedIn);
  const using = gateway ?? signed?.gateway;
  if (!using) throw new Error('useMutation outside <SignedIn.Provider> and without a gateway');
  const [state, setState] = useState<Omit<Mutation<T>, 'run'>>({ busy: false });
  const running = useRef(false);
  const signOut = signed?.signOut;
  const run = useCallback(
    async (variables?: Record<string, unknown>) => {
      if (running.current) return undefined;
      running.current = true;
      setState((before) => ({ ...before, busy: true }));
      const { data, error } = await using.execute<T>(query, variables);
      running.current = false;
      if (error?.code === 'UNAUTHENTICATED') signOut?.(error);
      const failed = error ?? (data === null ? new OperationError('INTERNAL_SERVER_ERROR', 'no data') : undefined);
      setState({ busy: false, error: failed });
      return failed ? undefined : (data as T);
    },
    [using, query, signOut],
  );
  return { ...state, run };
}

/** A ref always holding the latest `value`, for callbacks that outlive a render. */
function useLatest<V>(value: V) {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
