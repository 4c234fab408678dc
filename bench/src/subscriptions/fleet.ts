import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Every subscriber's operation: its own symbol, so each event passes exactly one filter. By
 * default the fields the event carries; BENCH_FIELDS=user adds the user's email, one database read
 * per event in the users subgraph.
 */
export const ALERTS = `subscription($s: String) {
  alertTriggered(symbol: $s) { id kind price threshold triggeredAt ticker { symbol }${
    process.env.BENCH_FIELDS === 'user' ? ' user { email }' : ''
  } } }`;

export interface Caller {
  id: string;
  email: string;
  token: string;
}

/** Who holds subscriber `s` and what it listens for; events are addressed by the same plan. */
export interface Plan {
  subscribers: number;
  connections: number;
  callers: Caller[];
}

/** Subscriber s rides connection s mod C, which belongs to caller c mod U; its symbol is its own. */
export const connectionOf = (plan: Plan, s: number) => s % plan.connections;
export const callerOf = (plan: Plan, s: number) => plan.callers[connectionOf(plan, s) % plan.callers.length]!;
export const symbolOf = (s: number) => `B${s}`;

/**
 * The bench's clients: one graphql-ws client (one socket) per connection, many subscriptions on
 * each, and what arrived, per event, at the moment its `next` callback ran. An event's index
 * (from its id, `eventIndex`) names the one subscriber it was meant for (index mod subscribers),
 * so an arrival anywhere else, a second arrival and one that never comes are all told apart.
 */
export class Fleet {
  private readonly clients: Client[] = [];
  private readonly unsubscribes: Array<() => void> = [];
  private leaving = false;
  /** First arrival per event (performance.now()), NaN until it comes; and how many came. */
  readonly arrivedAt: Float64Array;
  readonly arrivals: Uint16Array;
  distinct = 0;
  misrouted = 0;
  withErrors = 0;
  /** Subscriptions that errored or completed, and sockets that closed, before the bench left. */
  ended = 0;
  socketsClosed = 0;
  firstError?: string;

  constructor(
    private readonly url: string,
    private readonly plan: Plan,
    private readonly eventIndex: (id: string) => number | undefined,
    events: number,
  ) {
    this.arrivedAt = new Float64Array(events).fill(Number.NaN);
    this.arrivals = new Uint16Array(events);
  }

  /** Opens every connection and sends every subscription at once, without waiting for either. */
  subscribeAll(): void {
    for (let c = 0; c < this.plan.connections; c++) {
      const token = this.plan.callers[c % this.plan.callers.length]!.token;
      const client = createClient({
        url: this.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        // The socket is the connection, open until the bench leaves: a lazy one would close by
        // itself once its last subscription ended, and hide whether the gateway closed it.
        lazy: false,
        retryAttempts: 0,
      });
      client.on('closed', () => {
        if (!this.leaving) this.socketsClosed++;
      });
      this.clients.push(client);
    }
    for (let s = 0; s < this.plan.subscribers; s++) this.subscribe(s);
  }

  private subscribe(s: number): void {
    const client = this.clients[connectionOf(this.plan, s)]!;
    const stop = client.subscribe(
      { query: ALERTS, variables: { s: symbolOf(s) } },
      {
        next: (result) => {
          const at = performance.now();
          if (result.errors?.length || !result.data) {
            this.withErrors++;
            this.firstError ??= JSON.stringify(result.errors ?? result);
          }
          const id = (result.data?.alertTriggered as { id?: string } | undefined)?.id;
          const i = id === undefined ? undefined : this.eventIndex(id);
          if (i === undefined || i >= this.arrivals.length) return;
          if (i % this.plan.subscribers !== s) {
            this.misrouted++;
            return;
          }
          if (this.arrivals[i]++ === 0) {
            this.arrivedAt[i] = at;
            this.distinct++;
          }
        },
        error: (error) => {
          if (this.leaving) return;
          this.ended++;
          this.firstError ??= error instanceof Error ? error.message : JSON.stringify(error);
        },
        complete: () => {
          if (!this.leaving) this.ended++;
        },
      },
    );
    this.unsubscribes.push(stop);
  }

  /**
   * Of the events that were sent (`sentAt` not NaN), those that never arrived, and each arrival's
   * latency: its first `next` less when it was sent, on this process's clock.
   */
  outcome(sentAt: Float64Array): { expected: number; lost: number; latencies: number[] } {
    const latencies: number[] = [];
    let expected = 0;
    sentAt.forEach((sent, i) => {
      if (Number.isNaN(sent)) return;
      expected++;
      if (this.arrivals[i]) latencies.push(this.arrivedAt[i]! - sent);
    });
    return { expected, lost: expected - latencies.length, latencies };
  }

  /** Arrivals beyond the first, over all events. */
  duplicates(): number {
    let extra = 0;
    for (const n of this.arrivals) if (n > 1) extra += n - 1;
    return extra;
  }

  /** Every subscriber leaves (complete sent), then every socket is closed. */
  async leave(): Promise<void> {
    if (this.leaving) return;
    this.leaving = true;
    for (const stop of this.unsubscribes) stop();
    await Promise.all(this.clients.map((client) => client.dispose()));
  }
}
