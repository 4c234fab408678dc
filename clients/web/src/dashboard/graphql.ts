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

export type LiveState = 'live' | 'reconnecting' | 'idle';

export interface Outcome<T> {
  /** What the gateway answered, possibly partial (one subgraph's fields null) when `error` is set too. */
  data: T | null;
  error?: OperationError;
}

/** The gateway that served this page, spoken to as one caller: queries over HTTP, subscriptions over graphql-ws. */
export interface Gateway {
  execute<T>(query: string, variables?: Record<string, unknown>): Promise<Outcome<T>>;
  /** Like `execute`, but an error is thrown, for mutations whose partial answer is of no use. */
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  subscribe<T>(
    query: string,
    variables: Record<string, unknown>,
    onData: (data: T) => void,
    onError: (error: OperationError) => void,
  ): () => void;
  /**
   * Called as the socket opens (`live`), drops while subscriptions want it (`reconnecting`:
   * graphql-ws opens it again), or closes with none left (`idle`).
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
  const tell = (state: LiveState) => live.forEach((listener) => listener(state));
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
    async request<T>(query: string, variables?: Record<string, unknown>) {
      const { data, error } = await execute<T>(query, variables);
      if (error || data === null) throw error ?? new OperationError('INTERNAL_SERVER_ERROR', 'no data');
      return data;
    },
    subscribe<T>(
      query: string,
      variables: Record<string, unknown>,
      onData: (data: T) => void,
      onError: (error: OperationError) => void,
    ) {
      subscriptions++;
      let ended = false;
      const end = () => {
        if (!ended) subscriptions--;
        ended = true;
      };
      const unsubscribe = sockets().subscribe<T>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors?.length) onError(fromWire(result.errors));
            if (result.data) onData(result.data);
          },
          error: (error) => {
            if (Array.isArray(error)) onError(fromWire(error));
            else if (error instanceof CloseEvent)
              onError(new OperationError(`CLOSED_${error.code}`, error.reason || 'the socket closed'));
            else onError(new OperationError('NETWORK_ERROR', String(error)));
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
      return () => live.delete(listener);
    },
    close() {
      void socket?.dispose();
    },
  };
}
