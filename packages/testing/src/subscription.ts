import type { ExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { waitFor } from './services.js';

type Result = ExecutionResult<Record<string, any>, Record<string, unknown>>;

/**
 * One GraphQL subscription over a real graphql-ws connection (its own socket), keeping what
 * arrives: results, then how it ended (completed, or the error the server sent).
 */
export class TestSubscription {
  readonly results: Result[] = [];
  /** When each result came (performance.now()). */
  readonly receivedAt: number[] = [];
  ended = false;
  error?: unknown;
  private readonly client: Client;

  constructor(httpUrl: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
    this.client = createClient({
      url: httpUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
    });
    this.client.subscribe(
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

  close(): Promise<void> {
    return this.client.dispose() as Promise<void>;
  }
}
