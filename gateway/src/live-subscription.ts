import type { SubscriptionNode } from '@apollo/query-planner';
import { AppError, pushIterator, UnauthenticatedError, VIEWER_HEADER, type Viewer } from '@switchyard/kit';
import { type ExecutionResult, GraphQLError } from 'graphql';
import type { Client } from 'graphql-ws';
import type { GatewayContext } from './context.js';

/** Results held, and events waiting to be completed, for one subscriber. */
const BUFFER = 100;
/** Waits between attempts to subscribe again after the subgraph's socket dropped (ms), capped at the last. */
const BACKOFF_MS = [100, 250, 500, 1000, 2000, 5000];

/** One plan for a subscription: where its events come from, and how each is completed. */
export interface SubscriptionPlan {
  node: SubscriptionNode;
  /** The operation's variables, as coerced for this plan. */
  variables: Record<string, unknown>;
  /** Runs the rest of the plan over one event (fields of other subgraphs). */
  complete(event: ExecutionResult): Promise<ExecutionResult>;
}

export interface LiveSubscriptionDeps {
  /** The shared socket to a subgraph, or undefined when the served supergraph no longer has it. */
  socketTo(service: string): Client | undefined;
  /** The subgraph's socket: when it was last acknowledged, and whether it is open now. */
  connection(service: string): { at: number; open: boolean } | undefined;
  /** The caller's viewer assertion for a subgraph. */
  assertion(service: string): Promise<string>;
  /** Confirms the caller's token again (on session changes and every `recheckMs`). */
  confirm(): Promise<{ viewer: Viewer | null; authError?: GraphQLError }>;
  onSessionChange(listener: (owner: string) => void): () => void;
  recheckMs: number;
  /** How long a subgraph may stay unreachable before the subscriber is told (ms). */
  giveUpMs: number;
  /** Called once when the subscription ends, however it ends. */
  onEnd(): void;
}

const sameViewer = (a: Viewer, b: Viewer | null) =>
  a.id === b?.id && a.kind === b.kind && a.role === b.role && a.scopes.join() === b.scopes.join();

export const unavailable = (message: string) => new AppError('UNAVAILABLE', message);

/**
 * One caller's subscription through the gateway. Its plan's first fetch is subscribed to on the
 * subgraph that owns the root field (over the gateway's shared socket to it, with the caller's
 * assertion), and each event it sends is completed by the rest of the plan, in order. When the
 * socket drops (a subgraph restarting) it subscribes again, after the last event's cursor, so the
 * subgraph can replay what it missed; the caller sees no error, and the next result says
 * `extensions.missedEvents` when some could not be replayed. A reloaded supergraph gives it a
 * new plan (`replan`). It ends when the caller leaves, the subgraph refuses or completes it, the
 * caller's session no longer holds, or the subgraph stays away longer than `giveUpMs`.
 */
export class LiveSubscription {
  private readonly stream = pushIterator<ExecutionResult>({
    buffer: BUFFER,
    name: 'subscription',
    onEnd: () => this.stop(),
  });
  /** Events completed one after another, so they reach the caller in order. */
  private completing = Promise.resolve();
  private waiting = 0;
  /** The current upstream subscription: ends it; and a number that tells its callbacks from a replaced one's. */
  private detach?: () => void;
  private socket?: Client;
  private attachment = 0;
  /** The last event's place in its stream, as the subgraph said; resumed after it. */
  private cursor?: string;
  private missed = false;
  private lostAt?: number;
  private attachedAt = 0;
  /** Whether the socket was open when this attachment subscribed on it. */
  private attachedOpen = false;
  private retry?: NodeJS.Timeout;
  private failures = 0;
  private readonly stopConfirming: () => void;

  constructor(
    private plan: SubscriptionPlan,
    private readonly ctx: GatewayContext,
    private readonly deps: LiveSubscriptionDeps,
  ) {
    this.stopConfirming = this.keepConfirming();
    void this.attach(false);
  }

  get iterator(): AsyncIterableIterator<ExecutionResult> {
    return this.stream.iterator;
  }

  get ended(): boolean {
    return this.stream.ended;
  }

  /** Ends the subscription with these errors (its operation no longer fits the served supergraph). */
  fail(errors: GraphQLError[]): void {
    this.enqueue(() => {
      this.stream.push({ errors });
      this.stream.end();
    });
  }

  /**
   * A reloaded supergraph's plan: events are completed by it from now on; when the root field
   * moved (another subgraph or fetch), the subscription moves too, resuming where it was.
   */
  replan(plan: SubscriptionPlan): void {
    const before = this.plan.node.primary;
    const after = plan.node.primary;
    this.plan = plan;
    const sameSocket = this.socket === this.deps.socketTo(after.serviceName);
    if (before.serviceName === after.serviceName && before.operation === after.operation && sameSocket) return;
    // Another subgraph's stream has other cursors: the move may miss events.
    if (before.serviceName !== after.serviceName) {
      this.cursor = undefined;
      this.missed = true;
    }
    void this.attach(true);
  }

  /** Subscribes on the subgraph, after `cursor` when resuming. */
  private async attach(resuming: boolean): Promise<void> {
    // Whatever was subscribed or waiting to be goes first: one upstream subscription at a time.
    clearTimeout(this.retry);
    this.detach?.();
    this.detach = undefined;
    const attachment = ++this.attachment;
    this.attachedAt = Date.now();
    this.attachedOpen = this.deps.connection(this.plan.node.primary.serviceName)?.open ?? false;
    const { node, variables } = this.plan;
    const { primary } = node;
    const service = primary.serviceName;
    let assertion: string;
    try {
      assertion = await this.deps.assertion(service);
    } catch (error) {
      if (attachment === this.attachment) this.lost(error);
      return;
    }
    const client = this.deps.socketTo(service);
    if (this.stream.ended || attachment !== this.attachment) return;
    if (!client) return this.fail([unavailable(`the ${service} subgraph is not known here`)]);
    const current = () => attachment === this.attachment && !this.stream.ended;
    this.socket = client;
    this.detach = client.subscribe(
      {
        query: primary.operation,
        operationName: primary.operationName,
        variables: Object.fromEntries((primary.variableUsages ?? []).map((v) => [v, variables[v]])),
        extensions: {
          [VIEWER_HEADER]: assertion,
          'x-request-id': this.ctx.requestId,
          ...(resuming && { resume: this.cursor ? { after: this.cursor } : {} }),
        },
      },
      {
        next: (event) => {
          if (!current()) return;
          this.lostAt = undefined;
          this.failures = 0;
          this.received(event as ExecutionResult);
        },
        error: (error) => {
          if (!current()) return;
          // The subgraph refused the operation (its GraphQL errors): the caller gets why, then the end.
          if (Array.isArray(error)) return this.fail(upstreamErrors(error));
          this.lost(error);
        },
        complete: () => {
          if (current()) this.enqueue(() => this.stream.end());
        },
      },
    );
  }

  /** The socket dropped or could not be opened: subscribe again after a while, or give up. */
  private lost(error: unknown): void {
    if (this.stream.ended) return;
    this.detach = undefined;
    // One made on a socket that was (or came to be) acknowledged was established: a new loss.
    const connection = this.deps.connection(this.plan.node.primary.serviceName);
    if (this.attachedOpen || (connection && connection.at >= this.attachedAt)) {
      this.lostAt = undefined;
      this.failures = 0;
    }
    this.lostAt ??= Date.now();
    if (Date.now() - this.lostAt >= this.deps.giveUpMs) {
      const service = this.plan.node.primary.serviceName;
      this.ctx.log.warn({ err: error, service }, 'subscription given up: its subgraph stayed away');
      return this.fail([unavailable(`the ${service} subgraph ended this subscription; subscribe again`)]);
    }
    const wait = BACKOFF_MS[Math.min(this.failures++, BACKOFF_MS.length - 1)]!;
    // Spread out, so the subscriptions of a socket that dropped do not all come back at once.
    this.retry = setTimeout(() => void this.attach(true), wait * (0.5 + Math.random()));
  }

  private received(event: ExecutionResult): void {
    const { cursor, missedEvents, ...extensions } = event.extensions ?? {};
    if (typeof cursor === 'string') this.cursor = cursor;
    if (missedEvents === true) this.missed = true;
    if (this.waiting >= BUFFER) {
      this.stream.fail(unavailable(`subscriber fell ${BUFFER} events behind`));
      return;
    }
    const plan = this.plan;
    this.enqueue(async () => {
      const result = event.data
        ? await plan.complete({ data: event.data, errors: event.errors, extensions })
        : { errors: event.errors };
      if (this.missed) {
        this.missed = false;
        result.extensions = { ...result.extensions, missedEvents: true };
      }
      this.stream.push(result);
    });
  }

  private enqueue(work: () => void | Promise<void>): void {
    this.waiting++;
    this.completing = this.completing
      .then(() => (this.stream.ended ? undefined : work()))
      .catch((error: unknown) => {
        this.ctx.log.error({ err: error }, 'could not complete a subscription event');
        this.stream.push({ errors: [new GraphQLError('could not complete this event')] });
      })
      .finally(() => this.waiting--);
  }

  /**
   * A subscriber's session is confirmed again when it changes (an event from the issuer) and every
   * `recheckMs` (expiry), in line with the events, so none is delivered after it ended; a token that
   * no longer holds, or now stands for another role or scopes, ends the subscription.
   */
  private keepConfirming(): () => void {
    const subscriber = this.ctx.auth.viewer;
    if (!subscriber) return () => undefined;
    const confirm = () =>
      this.enqueue(async () => {
        const { viewer, authError } = await this.deps.confirm();
        if (viewer && sameViewer(viewer, subscriber)) return;
        this.stream.push({ errors: [authError ?? new UnauthenticatedError('your session changed: subscribe again')] });
        this.stream.end();
      });
    const timer = setInterval(confirm, this.deps.recheckMs);
    const stopWatching = this.deps.onSessionChange((owner) => {
      if (owner === subscriber.id) confirm();
    });
    return () => {
      clearInterval(timer);
      stopWatching();
    };
  }

  private stop(): void {
    clearTimeout(this.retry);
    this.stopConfirming();
    this.attachment++;
    this.detach?.();
    this.detach = undefined;
    this.deps.onEnd();
  }
}

/** The subgraph's own GraphQL errors, as they came. */
function upstreamErrors(errors: unknown[]): GraphQLError[] {
  return (errors as Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>).map(
    (e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions }),
  );
}
