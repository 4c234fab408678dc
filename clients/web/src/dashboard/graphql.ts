import { type Client, createClient } from 'graphql-ws';
import { endpoints } from '../endpoints';

/** A failed operation as the gateway reported it: its code (`UNAUTHENTICATED`, `FORBIDDEN`, ...) and message. */
export class OperationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface WireError {
  message?: string;
  extensions?: { code?: unknown };
}

function fromWire(errors: readonly WireError[]): OperationError {
  const first = errors[0] ?? {};
  const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
  return new OperationError(code, first.message ?? 'the gateway gave no reason');
}

export type LiveState = 'live' | 'reconnecting' | 'idle' | 'offline';

export interface Outcome<T> {
  /** What the gateway answered, possibly partial (one subgraph's fields null) when `error` is set too. */
  data: T | null;
  error?: OperationError;
}

/** The gateway that served this page, spoken to as one caller: queries over HTTP, subscriptions over graphql-ws. */
export interface Gateway {
  execute<T>(query: string, variables?: Record<string, unknown>): Promise<Outcome<T>>;
  /** Each result (data, an error, or both) until the subscription ends; a failure that ends it comes without data. */
  subscribe<T>(query: string, variables: Record<string, unknown>, onResult: (outcome: Outcome<T>) => void): () => void;
  /**
   * Called at once with the current state, then as the socket opens (`live`), drops while
   * subscriptions want it (`reconnecting`: graphql-ws opens it again), closes with none left
   * (`idle`), or is given up on (`offline`: retries ran out or the gateway refused the caller;
   * the next subscription tries again).
   */
  onLive(listener: (state: LiveState) => void): () => void;
  close(): void;
}

export function connectGateway(
  token: string | undefined,
  location: Pick<Location, 'protocol' | 'host'> = window.location,
): Gateway {
  const { http, ws } = endpoints(location);
  const authorization: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let socket: Client | undefined;
  const live = new Set<(state: LiveState) => void>();
  let subscriptions = 0;
  let state: LiveState = 'idle';
  const tell = (now: LiveState) => {
    state = now;
    live.forEach((listener) => listener(now));
  };
  const sockets = () =>
    (socket ??= createClient({
      url: ws,
      connectionParams: authorization,
      retryAttempts: 20,
      // Every close but a refusal of the caller is worth another try (a gateway restarting).
      shouldRetry: (event) => !(event instanceof CloseEvent && event.code === 4403),
      on: {
        connected: () => tell('live'),
        closed: () => tell(subscriptions ? 'reconnecting' : 'idle'),
      },
    }));

  const execute = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<Outcome<T>> => {
    let response: Response;
    try {
      response = await fetch(http, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...authorization },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      return {
        data: null,
        error: new OperationError('NETWORK_ERROR', `the gateway cannot be reached (${String(error)})`),
      };
    }
    let body: { data?: T | null; errors?: WireError[] };
    try {
      body = await response.json();
    } catch {
      return { data: null, error: new OperationError(`HTTP_${response.status}`, response.statusText || 'not GraphQL') };
    }
    const data = body.data ?? null;
    if (body.errors?.length) return { data, error: fromWire(body.errors) };
    if (!response.ok) return { data, error: new OperationError(`HTTP_${response.status}`, response.statusText) };
    return { data };
  };

  return {
    execute,
    subscribe<T>(query: string, variables: Record<string, unknown>, onResult: (outcome: Outcome<T>) => void) {
      subscriptions++;
      let ended = false;
      const end = () => {
        if (!ended) subscriptions--;
        ended = true;
      };
      const unsubscribe = sockets().subscribe<T>(
        { query, variables },
        {
          next: (result) =>
            onResult({ data: result.data ?? null, error: result.errors?.length ? fromWire(result.errors) : undefined }),
          // graphql-ws ends a failed subscription here and never calls `complete`.
          error: (error) => {
            end();
            if (Array.isArray(error)) return onResult({ data: null, error: fromWire(error) });
            // The socket closed for good (retries ran out, or a refusal), after `closed` said reconnecting.
            if (!subscriptions) tell('offline');
            onResult({
              data: null,
              error:
                error instanceof CloseEvent
                  ? new OperationError(`CLOSED_${error.code}`, error.reason || 'the socket closed')
                  : new OperationError('NETWORK_ERROR', String(error)),
            });
          },
          complete: end,
        },
      );
      return () => {
        end();
        unsubscribe();
      };
    },
    onLive(listener) {
      live.add(listener);
      listener(state);
      return () => live.delete(listener);
    },
    close() {
      void socket?.dispose();
      // A later subscription (or React running an effect again) gets a new client, not the disposed one.
      socket = undefined;
    },
  };
}
