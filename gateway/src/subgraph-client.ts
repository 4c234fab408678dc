import {
  Agent,
  type ClientRequest,
  type IncomingMessage,
  request as httpRequest,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';

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

const REFUSED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const RESET = new Set(['ECONNRESET', 'EPIPE']);

/**
 * What a failed attempt was: `answering` once part of the answer came; `reused` when it went out
 * on a connection already open (whose errors, unreachable host included, never prove that
 * nothing reached the subgraph).
 */
function classify(error: unknown, timedOut: boolean, answering = false, reused = false): SubgraphFetchError {
  if (error instanceof SubgraphFetchError) return error;
  const { code, message, cause } = error as { code?: string; message?: string; cause?: { code?: string } };
  const actual = code ?? cause?.code;
  if (timedOut) return new SubgraphFetchError('timed out', 'timeout', 'ETIMEDOUT');
  if (answering) return new SubgraphFetchError(actual ?? message ?? String(error), 'interrupted', actual);
  if (actual && REFUSED.has(actual)) return new SubgraphFetchError(actual, reused ? 'reset' : 'refused', actual);
  if (actual && RESET.has(actual)) return new SubgraphFetchError(actual, 'reset', actual);
  return new SubgraphFetchError(message ?? String(error), 'other', actual);
}

/** How long an idle connection is kept when the subgraph names no keep-alive timeout of its own. */
const IDLE_MS = 4_000;
/** The longest an idle connection is kept, whatever the subgraph's keep-alive timeout. */
const MAX_IDLE_MS = 60_000;

/** Node's agent reads a keep-alive hint only at the start of the header. */
const KEEP_ALIVE_HINT = /^timeout=\d+/;

/**
 * Makes `agent` drop idle connections before the subgraph would close them: Node's agent follows
 * the server's `Keep-Alive: timeout` hint less a second (up to its `timeout`, MAX_IDLE_MS); a
 * server that sends none gets IDLE_MS. Returns the set to add each socket whose answer had a hint.
 */
function keepAliveWithin(agent: Agent): WeakSet<Socket> {
  const hinted = new WeakSet<Socket>();
  // Node documents the boolean it returns (false: the socket is closed instead); its types say void.
  const keep = agent.keepSocketAlive.bind(agent) as unknown as (socket: Socket) => boolean;
  agent.keepSocketAlive = (socket: Socket) => {
    const kept = keep(socket);
    if (kept && !hinted.has(socket)) socket.setTimeout(IDLE_MS);
    return kept;
  };
  return hinted;
}

/**
 * HTTP to one subgraph (node:http): a pool of keep-alive connections without pipelining (idle ones
 * dropped before the subgraph would close them: keepAliveWithin), so a request is rarely written to
 * a socket the other side is closing; when it is, `send` may try again once on a connection of its
 * own, as the caller allows. (undici's request API kept each answer reachable through several
 * young-generation collections: 14-25 MB copied per collection, 10-60 ms pauses under load;
 * node:http's answers die young.)
 */
export class SubgraphClient {
  private readonly url: URL;
  private readonly agent: Agent;
  private readonly hinted: WeakSet<Socket>;
  /** Sends not yet settled, and what close() waits on. */
  private sending = 0;
  private drained?: () => void;
  private readonly request: (
    url: URL,
    options: RequestOptions,
    onResponse: (res: IncomingMessage) => void,
  ) => ClientRequest;

  constructor(
    url: string,
    private readonly options: SubgraphClientOptions,
    private readonly onRetry: () => void = () => undefined,
  ) {
    this.url = new URL(url);
    const https = this.url.protocol === 'https:';
    this.agent = new (https ? HttpsAgent : Agent)({
      keepAlive: true,
      maxSockets: options.connections,
      timeout: MAX_IDLE_MS,
    });
    this.hinted = keepAliveWithin(this.agent);
    this.request = https ? httpsRequest : httpRequest;
  }

  /**
   * POSTs `body`; `retry` says which failures may be sent again, once, on a fresh connection:
   * `reset` for a query (a broken connection before any answer; also refused), `refused` for a
   * mutation (only when it cannot have reached the subgraph).
   */
  async send(body: string, headers: Record<string, string>, retry: 'reset' | 'refused'): Promise<SubgraphAnswer> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.options.timeoutMs);
    this.sending++;
    try {
      try {
        return await this.attempt(this.agent, body, headers, deadline.signal);
      } catch (error) {
        const failure = classify(error, deadline.signal.aborted);
        const again = failure.kind === 'refused' || (retry === 'reset' && failure.kind === 'reset');
        if (!again) throw failure;
      }
      this.onRetry();
      // A connection of its own (closed after this answer).
      return await this.attempt(false, body, headers, deadline.signal).catch((error: unknown) => {
        throw classify(error, deadline.signal.aborted);
      });
    } finally {
      clearTimeout(timer);
      if (--this.sending === 0) this.drained?.();
    }
  }

  private attempt(
    agent: Agent | false,
    body: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<SubgraphAnswer> {
    return new Promise((resolve, reject) => {
      let answering = false;
      const fail = (error: unknown) => reject(classify(error, signal.aborted, answering, req.reusedSocket));
      const options = {
        method: 'POST',
        agent,
        signal,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      };
      const req = this.request(this.url, options, (res) => {
        answering = true; // part of the answer came: never sent again
        if (KEEP_ALIVE_HINT.test(String(res.headers['keep-alive'] ?? ''))) this.hinted.add(res.socket);
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(new Error('the connection closed before the whole answer came'));
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      });
      req.on('error', fail);
      req.end(body);
    });
  }

  /**
   * Closes the connections once the fetches under way have their answers (each within its
   * deadline), as a reloaded supergraph that moved the subgraph retires its old client.
   */
  async close(): Promise<void> {
    if (this.sending > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.agent.destroy();
  }
}
