import { operationFromDocument, type Schema, Supergraph } from '@apollo/federation-internals';
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
import { type FetchNode, type QueryPlan, QueryPlanner } from '@apollo/query-planner';
import type { IncomingHttpHeaders } from 'node:http';
import {
  type AssertionSigner,
  type CallerVerifier,
  checkInputStrings,
  type Logger,
  pushIterator,
  socketCaller,
  UnauthenticatedError,
  VIEWER_HEADER,
  type Viewer,
} from '@switchyard/kit';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  getVariableValues,
  GraphQLError,
  type GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  parse,
  type ParseOptions,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';
import { createClient, type ServerOptions as WsOptions } from 'graphql-ws';
import WebSocket from 'ws';
import type { GatewayContext } from './context.js';
import type { SubgraphDataSource } from './datasource.js';
import { resolveOperation, withoutSuggestions } from './operation.js';

interface Loaded {
  schema: GraphQLSchema;
  apiSchema: Schema;
  supergraphSchema: GraphQLSchema;
  planner: QueryPlanner;
}

type Args = ExecutionArgs & { contextValue: GatewayContext };

export interface WebSocketLimits {
  /** Validation rules beyond the specification's (the gateway's operation limits). */
  rules: readonly ValidationRule[];
  /** Whether `__schema`/`__type` may be asked for, as over HTTP (INTROSPECTION). */
  introspection: boolean;
  /** Whether validation errors may suggest fields that exist (not in production, as over HTTP). */
  suggestions: boolean;
  /** The longest string input (`checkInputStrings`, as over HTTP). */
  maxStringLength: number;
  /** Throws when the operation, with its variables, would cost too much. */
  checkCost: (op: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    variables?: Record<string, unknown>;
  }) => void;
  /** Parser settings (the token limit). */
  parseOptions: ParseOptions;
  /** Throws when the caller on this socket has spent their rate. */
  spend: (caller: { headers: IncomingHttpHeaders; remoteAddress?: string }) => Promise<void>;
  /** Signs the viewer assertion each upstream subscription carries. */
  assertions: AssertionSigner;
  /** Confirms a subscriber's token again: on every change to their session, and every `recheckMs`. */
  verifier: CallerVerifier;
  recheckMs: number;
}

const sameViewer = (a: Viewer, b: Viewer | null) =>
  a.id === b?.id && a.kind === b.kind && a.role === b.role && a.scopes.join() === b.scopes.join();

/** The plan's stand-in for the subgraph that produced an event: it answers with the event. */
const EVENT_SOURCE = '__event';
/** Results held, and events waiting to be completed, for one subscriber. */
const BUFFER = 100;
/** How long a subgraph has to accept a subscription's socket. */
const CONNECT_TIMEOUT_MS = 10_000;

/** `ws` with a handshake deadline, so a subgraph that never answers cannot hold a socket open. */
class TimedWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { handshakeTimeout: CONNECT_TIMEOUT_MS });
  }
}

const unavailable = (message: string) => new GraphQLError(message, { extensions: { code: 'UNAVAILABLE' } });

/**
 * GraphQL over WebSocket at the gateway, executed federated: an operation is checked like one
 * over HTTP (the same validation rules and limits) and planned over the supergraph. For a
 * subscription, the plan's first fetch is subscribed to on the subgraph that owns the root field
 * (over graphql-ws, with the caller's credentials), and each event it sends is completed by the
 * rest of the plan, so fields of other subgraphs resolve as in a query; a subgraph that fails
 * costs its fields, not the event. Queries and mutations sent over the socket run their plan
 * once. Nothing an operation does closes the caller's socket: failures are GraphQL errors.
 */
export class FederatedWebSocket {
  /** The served supergraph, and what is built from it on the first WebSocket operation after a load. */
  private sdl?: string;
  private built?: Loaded;
  /** The supergraph each prepared document was checked against, so a reload cannot split them. */
  private readonly checkedAgainst = new WeakMap<DocumentNode, Loaded>();

  constructor(
    private readonly sources: ReadonlyMap<string, SubgraphDataSource>,
    private readonly limits: WebSocketLimits,
    private readonly logger: Logger,
  ) {}

  /** For `gateway.onSchemaLoadOrUpdate`: new operations are planned over the served supergraph. */
  load(coreSupergraphSdl: string): void {
    this.sdl = coreSupergraphSdl;
    this.built = undefined;
  }

  /**
   * Schemas and a planner of its own, built when a socket first needs them: a gateway that only
   * serves HTTP never carries a second copy of the supergraph.
   */
  private get loaded(): Loaded | undefined {
    if (!this.built && this.sdl) {
      const supergraph = Supergraph.build(this.sdl);
      const apiSchema = supergraph.apiSchema();
      this.built = {
        schema: apiSchema.toGraphQLJSSchema(),
        apiSchema,
        supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
        planner: new QueryPlanner(supergraph),
      };
    }
    return this.built;
  }

  /** graphql-ws hooks (kit's server adds the context). */
  hooks(): Pick<WsOptions, 'onSubscribe' | 'execute' | 'subscribe'> {
    return {
      // Every operation spends a point of its caller's rate before any work, as over HTTP.
      onSubscribe: async (ctx, _id, payload) => {
        try {
          await this.limits.spend(socketCaller(ctx));
          return this.prepare(payload);
        } catch (error) {
          return this.failure(error).errors;
        }
      },
      execute: (args) => this.execute(args as Args).catch((error: unknown) => this.failure(error)),
      subscribe: (args) => this.subscribe(args as Args).catch((error: unknown) => this.failure(error)),
    };
  }

  /** Whatever goes wrong becomes a GraphQL error for this operation, never a closed socket. */
  private failure(error: unknown): { errors: GraphQLError[] } {
    if (error instanceof GraphQLError) return { errors: [error] };
    this.logger.error({ err: error }, 'WebSocket operation failed');
    return { errors: [new GraphQLError('internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] };
  }

  /** Parses, validates and coerces variables against the API schema, as HTTP requests are. */
  private prepare(payload: {
    query: string;
    operationName?: string | null;
    variables?: Record<string, unknown> | null;
  }): ExecutionArgs | GraphQLError[] {
    const loaded = this.loaded;
    if (!loaded) return [unavailable('the gateway has no supergraph yet')];
    let document;
    try {
      document = parse(payload.query, this.limits.parseOptions);
    } catch (error) {
      return [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
    }
    const rules = [
      ...specifiedRules,
      ...this.limits.rules,
      ...(this.limits.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
    ];
    let invalid: readonly GraphQLError[];
    try {
      invalid = validate(loaded.schema, document, rules);
    } catch (error) {
      // graphql-js throws on some documents (a subscription root under @include) instead of reporting.
      invalid = [new GraphQLError((error as Error).message)];
    }
    if (invalid.length) {
      if (!this.limits.suggestions) withoutSuggestions(invalid);
      return invalid.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
    }
    let operation;
    try {
      checkInputStrings(document, payload.variables, this.limits.maxStringLength, loaded.schema);
      operation = resolveOperation(document, payload.operationName);
    } catch (error) {
      return [error as GraphQLError];
    }
    const variables = getVariableValues(loaded.schema, operation.variableDefinitions ?? [], payload.variables ?? {});
    if (variables.errors) return variables.errors.map((e) => withCode(e, 'BAD_USER_INPUT'));
    this.limits.checkCost({
      schema: loaded.schema,
      document,
      operationName: payload.operationName,
      variables: variables.coerced,
    });
    this.checkedAgainst.set(document, loaded);
    return { schema: loaded.schema, document, operationName: payload.operationName, variableValues: variables.coerced };
  }

  private plan(args: ExecutionArgs): { plan: QueryPlan; loaded: Loaded } {
    const loaded = this.checkedAgainst.get(args.document)!;
    const operation = operationFromDocument(loaded.apiSchema, args.document, {
      operationName: args.operationName ?? undefined,
    });
    return { plan: loaded.planner.buildQueryPlan(operation), loaded };
  }

  private async execute(args: Args): Promise<ExecutionResult> {
    const { plan, loaded } = this.plan(args);
    return this.run(plan, loaded, args);
  }

  private run(plan: QueryPlan, loaded: Loaded, args: Args, event?: ExecutionResult): Promise<ExecutionResult> {
    const serviceMap: Record<string, GraphQLDataSource<GatewayContext>> = Object.fromEntries(this.sources);
    if (event) serviceMap[EVENT_SOURCE] = { process: async () => ({ data: event.data, errors: event.errors }) };
    const requestContext = {
      request: { variables: args.variableValues ?? {}, operationName: args.operationName ?? undefined },
      context: args.contextValue,
      logger: args.contextValue.log,
      metrics: {},
    };
    return executeQueryPlan(
      plan,
      serviceMap,
      requestContext as never,
      buildOperationContext({
        schema: loaded.schema,
        operationDocument: args.document,
        operationName: args.operationName ?? undefined,
      }),
      loaded.supergraphSchema,
      loaded.apiSchema,
      undefined,
    ) as Promise<ExecutionResult>;
  }

  private async subscribe(args: Args): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const { plan, loaded } = this.plan(args);
    const node = plan.node;
    if (node?.kind !== 'Subscription') return this.run(plan, loaded, args);
    const service = node.primary.serviceName;
    const source = this.sources.get(service);
    if (!source) throw unavailable(`the ${service} subgraph is not known here`);

    // The rest of the plan, run per event, starts from the event as if fetched.
    const perEvent: QueryPlan = {
      kind: 'QueryPlan',
      node: {
        kind: 'Sequence',
        nodes: [{ ...node.primary, serviceName: EVENT_SOURCE } as FetchNode, ...(node.rest ? [node.rest] : [])],
      },
    };
    const ctx = args.contextValue;
    const client = createClient({
      url: source.url.replace(/^http/, 'ws'),
      webSocketImpl: TimedWebSocket,
      connectionParams: async () => ({
        [VIEWER_HEADER]: await this.limits.assertions.sign(ctx.auth, service),
        'x-request-id': ctx.requestId,
      }),
      connectionAckWaitTimeout: CONNECT_TIMEOUT_MS,
      retryAttempts: 0,
    });
    const stream = pushIterator<ExecutionResult>({
      buffer: BUFFER,
      name: 'subscription',
      // Closed at once, even while it is still connecting (dispose would wait for the handshake).
      onEnd: () => {
        stopConfirming();
        stopUpstream();
        client.terminate();
      },
    });
    // Events are completed one after another, so they reach the caller in order.
    let completing = Promise.resolve();
    let waiting = 0;
    const enqueue = (work: () => void | Promise<void>) => {
      waiting++;
      completing = completing
        .then(() => (stream.ended ? undefined : work()))
        .catch((error: unknown) => {
          ctx.log.error({ err: error }, 'could not complete a subscription event');
          stream.push({ errors: [new GraphQLError('could not complete this event')] });
        })
        .finally(() => waiting--);
    };
    const stopConfirming = this.keepConfirming(ctx, (work) => enqueue(work), stream);
    const stopUpstream = client.subscribe(
      {
        query: node.primary.operation,
        operationName: node.primary.operationName,
        variables: Object.fromEntries((node.primary.variableUsages ?? []).map((v) => [v, args.variableValues?.[v]])),
      },
      {
        next: (event) => {
          if (waiting >= BUFFER) {
            stream.fail(
              new GraphQLError(`subscriber fell ${BUFFER} events behind`, { extensions: { code: 'UNAVAILABLE' } }),
            );
            return;
          }
          enqueue(async () => {
            if (!event.data) return stream.push({ errors: event.errors as GraphQLError[] });
            stream.push(await this.run(perEvent, loaded, args, event as ExecutionResult));
          });
        },
        // The subgraph refused or went away: the caller gets why, then the end.
        error: (error) =>
          enqueue(() => {
            stream.push({ errors: upstreamErrors(error, service) });
            stream.end();
          }),
        complete: () => enqueue(() => stream.end()),
      },
    );
    return stream.iterator;
  }

  /**
   * A subscriber's session is confirmed again when it changes (an event from the issuer) and every
   * `recheckMs` (expiry), in line with the events, so none is delivered after it ended; a token that
   * no longer holds, or now stands for another role or scopes, ends the subscription.
   */
  private keepConfirming(
    ctx: GatewayContext,
    enqueue: (work: () => Promise<void>) => void,
    stream: { push(result: ExecutionResult): void; end(): void },
  ): () => void {
    const subscriber = ctx.auth.viewer;
    if (!subscriber) return () => undefined;
    const confirm = () =>
      enqueue(async () => {
        const { viewer, authError } = await this.limits.verifier.verify(ctx.authorization);
        if (viewer && sameViewer(viewer, subscriber)) return;
        stream.push({ errors: [authError ?? new UnauthenticatedError('your session changed: subscribe again')] });
        stream.end();
      });
    const timer = setInterval(confirm, this.limits.recheckMs);
    const stopWatching = this.limits.verifier.onChange((owner) => {
      if (owner === subscriber.id) confirm();
    });
    return () => {
      clearInterval(timer);
      stopWatching();
    };
  }
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code } });
}

/** What the subgraph's socket said: its own GraphQL errors as they came, or that it went away. */
function upstreamErrors(error: unknown, service: string): GraphQLError[] {
  if (Array.isArray(error)) {
    return (error as Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>).map(
      (e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions }),
    );
  }
  return [unavailable(`the ${service} subgraph ended this subscription; subscribe again`)];
}
