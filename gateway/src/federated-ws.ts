import { operationFromDocument, type Schema, Supergraph } from '@apollo/federation-internals';
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
import { type FetchNode, type QueryPlan, QueryPlanner, type SubscriptionNode } from '@apollo/query-planner';
import type { IncomingHttpHeaders } from 'node:http';
import {
  AppError,
  type AssertionSigner,
  type CallerVerifier,
  checkInputStrings,
  type Logger,
  socketCaller,
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
import type { SubscribePayload, ServerOptions as WsOptions } from 'graphql-ws';
import type { Registry } from 'prom-client';
import type { GatewayContext } from './context.js';
import type { SubgraphDataSource } from './datasource.js';
import { LiveSubscription, type SubscriptionPlan, unavailable } from './live-subscription.js';
import { resolveOperation, withoutSuggestions } from './operation.js';
import { UpstreamSockets } from './upstream.js';

interface Loaded {
  schema: GraphQLSchema;
  apiSchema: Schema;
  supergraphSchema: GraphQLSchema;
  planner: QueryPlanner;
  /** Query text → its document, or why it was refused. */
  checked: Map<string, DocumentNode | GraphQLError[]>;
  plans: WeakMap<DocumentNode, Map<string, QueryPlan>>;
}

/** Distinct query texts kept checked per supergraph. */
const DOCUMENTS_KEPT = 1000;

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
  /** How long a subscription waits for its subgraph to come back before it ends (ms). */
  resubscribeForMs: number;
  /** Between pings on each socket to a subgraph; an unanswered one ends it. */
  upstreamPingMs: number;
  /** Operations one client connection may have running at once (its subscriptions, mostly). */
  operationsPerConnection: number;
}

/** The plan's stand-in for the subgraph that produced an event: it answers with the event. */
const EVENT_SOURCE = '__event';

/**
 * GraphQL over WebSocket at the gateway, executed federated: an operation is checked like one
 * over HTTP (the same validation rules and limits) and planned over the supergraph. For a
 * subscription, the plan's first fetch is subscribed to on the subgraph that owns the root field
 * (over the gateway's one graphql-ws socket to it, with the caller's assertion), and each event it
 * sends is completed by the rest of the plan, so fields of other subgraphs resolve as in a query;
 * a subgraph that fails costs its fields, not the event (see LiveSubscription). Queries and
 * mutations sent over the socket run their plan once. Nothing an operation does closes the
 * caller's socket: failures are GraphQL errors.
 */
export class FederatedWebSocket {
  /** The served supergraph, and what is built from it on the first WebSocket operation after a load. */
  private sdl?: string;
  private built?: Loaded;
  /** The supergraph each prepared document was checked against, so a reload cannot split them. */
  private readonly checkedAgainst = new WeakMap<DocumentNode, Loaded>();
  /** What each operation was sent as, to check it again against a reloaded supergraph. */
  private readonly payloads = new WeakMap<ExecutionArgs, SubscribePayload>();
  /** Live subscriptions, with the arguments they were planned with. */
  private readonly live = new Map<LiveSubscription, Args>();
  private readonly upstream: UpstreamSockets;

  constructor(
    private readonly sources: ReadonlyMap<string, SubgraphDataSource>,
    private readonly limits: WebSocketLimits,
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.upstream = new UpstreamSockets(limits.assertions, registry, limits.upstreamPingMs);
  }

  /**
   * For `gateway.onSchemaLoadOrUpdate`: new operations are planned over the served supergraph,
   * and live subscriptions planned again.
   */
  load(coreSupergraphSdl: string): void {
    this.sdl = coreSupergraphSdl;
    this.built = undefined;
    if (this.live.size) this.replanLive();
  }

  /** Closes the sockets to subgraphs (the gateway stops). */
  close(): Promise<void> {
    return this.upstream.close();
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
        checked: new Map(),
        plans: new WeakMap(),
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
          // graphql-ws holds this operation among the connection's already.
          const running = Object.keys(ctx.subscriptions).length;
          if (running > this.limits.operationsPerConnection) {
            const max = this.limits.operationsPerConnection;
            return [
              new AppError(
                'RATE_LIMITED',
                `at most ${max} operations at once on one connection: end one, or open another connection`,
                { limit: max },
              ),
            ];
          }
          await this.limits.spend(socketCaller(ctx, payload.extensions));
          const prepared = this.prepare(payload);
          if (!Array.isArray(prepared)) this.payloads.set(prepared, payload);
          return prepared;
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
  private prepare(payload: SubscribePayload): ExecutionArgs | GraphQLError[] {
    const loaded = this.loaded;
    if (!loaded) return [unavailable('the gateway has no supergraph yet')];
    const document = this.checked(loaded, payload.query);
    if (Array.isArray(document)) return document;
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

  /**
   * The document parsed and validated (or why not), once per query text and supergraph: ten
   * thousand subscribers of one operation cost one parse and one validation.
   */
  private checked(loaded: Loaded, query: string): DocumentNode | GraphQLError[] {
    let checked = loaded.checked.get(query);
    if (checked) return checked;
    try {
      const document = parse(query, this.limits.parseOptions);
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
      if (!this.limits.suggestions) withoutSuggestions(invalid);
      checked = invalid.length ? invalid.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED')) : document;
    } catch (error) {
      checked = [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
    }
    if (loaded.checked.size >= DOCUMENTS_KEPT) loaded.checked.clear();
    loaded.checked.set(query, checked);
    return checked;
  }

  /** The operation's plan, built once per document and operation name. */
  private plan(args: ExecutionArgs): { plan: QueryPlan; loaded: Loaded } {
    const loaded = this.checkedAgainst.get(args.document)!;
    let plans = loaded.plans.get(args.document);
    if (!plans) loaded.plans.set(args.document, (plans = new Map()));
    const name = args.operationName ?? '';
    let plan = plans.get(name);
    if (!plan) {
      const operation = operationFromDocument(loaded.apiSchema, args.document, { operationName: name || undefined });
      plan = loaded.planner.buildQueryPlan(operation);
      plans.set(name, plan);
    }
    return { plan, loaded };
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
    // Checked against a supergraph that was replaced meanwhile (while its caller was confirmed): again.
    if (this.checkedAgainst.get(args.document) !== this.loaded) {
      const prepared = this.prepare(this.payloads.get(args)!);
      if (Array.isArray(prepared)) return { errors: prepared };
      this.payloads.set(prepared, this.payloads.get(args)!);
      args = { ...args, ...prepared } as Args;
    }
    const { plan, loaded } = this.plan(args);
    if (plan.node?.kind !== 'Subscription') return this.run(plan, loaded, args);
    const ctx = args.contextValue;
    const live = new LiveSubscription(this.subscriptionPlan(plan.node, loaded, args), ctx, {
      connection: (service) => this.upstream.connection(service),
      socketTo: (service) => {
        const source = this.sources.get(service);
        return source && this.upstream.client(service, source.url);
      },
      assertion: (service) => this.limits.assertions.sign(ctx.auth, service),
      confirm: () => this.limits.verifier.verify(ctx.authorization),
      onSessionChange: (listener) => this.limits.verifier.onChange(listener),
      recheckMs: this.limits.recheckMs,
      giveUpMs: this.limits.resubscribeForMs,
      onEnd: () => this.live.delete(live),
    });
    this.live.set(live, args);
    return live.iterator;
  }

  /** The plan's first fetch is the subscription; the rest, run per event, starts from the event as if fetched. */
  private subscriptionPlan(node: SubscriptionNode, loaded: Loaded, args: Args): SubscriptionPlan {
    const perEvent: QueryPlan = {
      kind: 'QueryPlan',
      node: {
        kind: 'Sequence',
        nodes: [{ ...node.primary, serviceName: EVENT_SOURCE } as FetchNode, ...(node.rest ? [node.rest] : [])],
      },
    };
    return {
      node,
      variables: args.variableValues ?? {},
      complete: (event) => this.run(perEvent, loaded, args, event),
    };
  }

  /**
   * After a supergraph reload, each live subscription is checked and planned again over the new
   * one: it goes on with the new plan, or ends with why when its operation no longer fits.
   */
  private replanLive(): void {
    const loaded = this.loaded;
    if (!loaded) return;
    for (const [live, args] of this.live) {
      try {
        const prepared = this.prepare(this.payloads.get(args)!);
        if (Array.isArray(prepared)) {
          live.fail(prepared);
          continue;
        }
        const replanned = { ...args, ...prepared } as Args;
        const { plan } = this.plan(replanned);
        if (plan.node?.kind !== 'Subscription') live.fail([unavailable('this subscription is no longer served')]);
        else live.replan(this.subscriptionPlan(plan.node, loaded, replanned));
      } catch (error) {
        // Over the new limits (cost), or not plannable: this one ends, the others go on.
        live.fail(this.failure(error).errors);
      }
    }
  }
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code } });
}
