import { Client, type Dispatcher, Pool } from 'undici';

export interface SubgraphClientOptions {
  /** The longest a fetch may take, from sending to the last byte of the answer. */
  timeoutMs: number;
  /** Open connections to the subgraph at most; requests beyond wait for one (no pipelining). */
  connections: number;
}

export interface SubgraphAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A transport failure of a fetch, with what a retry needs to know: `refused` (the connection was
 * never made, so nothing reached the subgraph), `reset` (a connection broke before any byte of
 * the answer came back), `interrupted` (it broke while the answer arrived), `timeout`.
 */
export class SubgraphFetchError extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'reset' | 'interrupted' | 'timeout' | 'other',
    readonly code?: string,
  ) {
    super(message);
  }
}

const REFUSED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function classify(error: unknown, timedOut: boolean, answering = false): SubgraphFetchError {
  if (error instanceof SubgraphFetchError) return error;
  const { code, message, cause } = error as { code?: string; message?: string; cause?: { code?: string } };
  const actual = code ?? cause?.code;
  if (timedOut) return new SubgraphFetchError('timed out', 'timeout', 'ETIMEDOUT');
  if (answering) return new SubgraphFetchError(actual ?? message ?? String(error), 'interrupted', actual);
  if (actual && REFUSED.has(actual)) return new SubgraphFetchError(actual, 'refused', actual);
  if (actual && RESET.has(actual)) return new SubgraphFetchError(actual, 'reset', actual);
  return new SubgraphFetchError(message ?? String(error), 'other', actual);
}

/**
 * HTTP to one subgraph (undici): a pool of keep-alive connections without pipelining. Idle
 * connections are dropped before the subgraph would close them (undici follows the server's
 * `Keep-Alive: timeout` hint, less a margin; kit servers keep connections 65 s), so a request is
 * rarely written to a socket the other side is closing; when it is, `send` may try again once on
 * a connection of its own, as the caller allows.
 */
export class SubgraphClient {
  private readonly pool: Pool;
  private readonly origin: string;
  private readonly path: string;

  constructor(
    url: string,
    private readonly options: SubgraphClientOptions,
    private readonly onRetry: () => void = () => undefined,
  ) {
    const parsed = new URL(url);
    this.origin = parsed.origin;
    this.path = `${parsed.pathname}${parsed.search}`;
    this.pool = new Pool(this.origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 60_000,
      keepAliveTimeoutThreshold: 1_000,
    });
  }

  /**
   * POSTs `body`; `retry` says which failures may be sent again, once, on a fresh connection:
   * `reset` for a query (a broken connection before any answer; also refused), `refused` for a
   * mutation (only when it cannot have reached the subgraph).
   */
  async send(body: string, headers: Record<string, string>, retry: 'reset' | 'refused'): Promise<SubgraphAnswer> {
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    try {
      return await this.attempt(this.pool, body, headers, deadline);
    } catch (error) {
      const failure = classify(error, deadline.aborted);
      const again = failure.kind === 'refused' || (retry === 'reset' && failure.kind === 'reset');
      if (!again) throw failure;
    }
    this.onRetry();
    const fresh = new Client(this.origin, { pipelining: 1 });
    try {
      return await this.attempt(fresh, body, headers, deadline);
    } catch (error) {
      throw classify(error, deadline.aborted);
    } finally {
      void fresh.close().catch(() => undefined);
    }
  }

  private async attempt(
    dispatcher: Dispatcher,
    body: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<SubgraphAnswer> {
    const response = await dispatcher.request({
      origin: this.origin,
      path: this.path,
      method: 'POST',
      headers,
      body,
      signal,
    });
    try {
      return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
    } catch (error) {
      throw classify(error, signal.aborted, true); // part of the answer came: never sent again
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
