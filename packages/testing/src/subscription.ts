import type { ExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { waitFor } from './services.js';

type Result = ExecutionResult<Record<string, any>, Record<string, unknown>>;

/** One real graphql-ws connection, as a caller (with their token) holds it, for many subscriptions. */
export class TestConnection {
  readonly client: Client;

  constructor(httpUrl: string, token?: string) {
    this.client = createClient({
      url: httpUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
    });
  }

  subscribe(query: string, variables: Record<string, unknown> = {}): TestSubscription {
    return new TestSubscription(this, query, variables);
  }

  close(): Promise<void> {
    return this.client.dispose() as Promise<void>;
  }
}

/**
 * One GraphQL subscription over a real graphql-ws connection (its own socket, or a shared
 * TestConnection), keeping what arrives: results, then how it ended (completed, or the error the
 * server sent).
 */
export class TestSubscription {
  readonly results: Result[] = [];
  /** When each result came (performance.now()). */
  readonly receivedAt: number[] = [];
  ended = false;
  error?: unknown;
  private readonly connection: TestConnection;
  private readonly ownConnection: boolean;
  private readonly stop: () => void;

  constructor(target: string | TestConnection, query: string, variables: Record<string, unknown> = {}, token?: string) {
    this.ownConnection = typeof target === 'string';
    this.connection = typeof target === 'string' ? new TestConnection(target, token) : target;
    this.stop = this.connection.client.subscribe(
      { query, variables },
      {
        next: (result) => {
          this.receivedAt.push(performance.now());
          this.results.push(result as Result);
        },
        error: (error) => {
          this.error = error;
          this.ended = true;
        },
        complete: () => {
          this.ended = true;
        },
      },
    );
  }

  /** The first `count` results, once they have come. */
  async take(count: number, timeoutMs = 15_000): Promise<Result[]> {
    await waitFor(async () => this.results.length >= count || this.ended, timeoutMs, `${count} results`);
    if (this.results.length < count) {
      throw new Error(`ended after ${this.results.length} results: ${JSON.stringify(this.error ?? 'completed')}`);
    }
    return this.results.slice(0, count);
  }

  async untilEnded(timeoutMs = 15_000): Promise<void> {
    await waitFor(async () => this.ended, timeoutMs, 'the subscription to end');
  }

  /** Ends the subscription (and its socket, when it has its own). */
  async close(): Promise<void> {
    if (this.ownConnection) return this.connection.close();
    this.stop();
  }
}
