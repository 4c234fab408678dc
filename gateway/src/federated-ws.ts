import { operationFromDocument, type Schema, Supergraph } from '@apollo/federation-internals';
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
import { type FetchNode, type QueryPlan, QueryPlanner } from '@apollo/query-planner';
import { pushIterator } from '@switchyard/kit';
import {
  type ExecutionArgs,
  type DocumentNode,
  type ExecutionResult,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type GraphQLSchema,
  parse,
  type ParseOptions,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';
import { createClient } from 'graphql-ws';
import type { ServerOptions as WsOptions } from 'graphql-ws';
import WebSocket from 'ws';
import type { GatewayContext } from './context.js';
import type { ForwardingDataSource } from './datasource.js';

interface Loaded {
  schema: GraphQLSchema;
  apiSchema: Schema;
  supergraphSchema: GraphQLSchema;
  planner: QueryPlanner;
}

/** The plan's stand-in for the subgraph that produced an event: it answers with the event. */
const EVENT_SOURCE = '__event';

/** Results held for a subscriber that reads slower than its events come. */
const BUFFER = 100;

/**
 * GraphQL over WebSocket at the gateway, executed federated: an operation is planned over the
 * supergraph like any other. For a subscription, the plan's first fetch is subscribed to on the
 * subgraph that owns the root field (over graphql-ws, with the caller's credentials), and each
 * event it sends is completed by the rest of the plan, so fields of other subgraphs resolve as
 * in a query; a subgraph that fails costs its fields, not the event. Queries and mutations sent
 * over the socket run their plan once.
 */
export class FederatedWebSocket {
  private loaded?: Loaded;

  constructor(
    private readonly sources: ReadonlyMap<string, ForwardingDataSource>,
    private readonly limits: {
      /** Validation rules beyond the specification's (the gateway's operation limits). */
      rules: readonly ValidationRule[];
      /** Throws when the operation, with its variables, would cost too much. */
      checkCost: (op: {
        schema: GraphQLSchema;
        document: DocumentNode;
        operationName?: string | null;
        variables?: Record<string, unknown>;
      }) => void;
      /** Parser settings (the token limit). */
      parseOptions: ParseOptions;
      /** Throws when the caller has spent their rate. */
      spend: (ctx: GatewayContext) => Promise<void>;
    },
  ) {}

  /** For `gateway.onSchemaLoadOrUpdate`: plans follow the served supergraph. */
  load(coreSupergraphSdl: string): void {
    const supergraph = Supergraph.build(coreSupergraphSdl);
    const apiSchema = supergraph.apiSchema();
    this.loaded = {
      schema: apiSchema.toGraphQLJSSchema(),
      apiSchema,
      supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
      planner: new QueryPlanner(supergraph),
    };
  }

  /** graphql-ws hooks (kit's server adds the context). */
  hooks(): Pick<WsOptions, 'onSubscribe' | 'execute' | 'subscribe'> {
    return {
      onSubscribe: (_ctx, _id, payload) => this.prepare(payload),
      execute: (args) => this.execute(args as ExecutionArgs & { contextValue: GatewayContext }),
      subscribe: (args) => this.subscribe(args as ExecutionArgs & { contextValue: GatewayContext }),
    };
  }

  /** Parses, validates and coerces variables against the API schema, as HTTP requests are. */
  private prepare(payload: {
    query: string;
    operationName?: string | null;
    variables?: Record<string, unknown> | null;
  }): ExecutionArgs | GraphQLError[] {
    const loaded = this.loaded;
    if (!loaded)
      return [new GraphQLError('the gateway has no supergraph yet', { extensions: { code: 'UNAVAILABLE' } })];
    let document;
    try {
      document = parse(payload.query, this.limits.parseOptions);
    } catch (error) {
      return [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
    }
    const invalid = validate(loaded.schema, document, [...specifiedRules, ...this.limits.rules]);
    if (invalid.length) return invalid.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return [new GraphQLError('name the operation to run', { extensions: { code: 'BAD_USER_INPUT' } })];
    const variables = getVariableValues(loaded.schema, operation.variableDefinitions ?? [], payload.variables ?? {});
    if (variables.errors) return variables.errors.map((e) => withCode(e, 'BAD_USER_INPUT'));
    try {
      this.limits.checkCost({
        schema: loaded.schema,
        document,
        operationName: payload.operationName,
        variables: variables.coerced,
      });
    } catch (error) {
      return [error as GraphQLError];
    }
    return {
      schema: loaded.schema,
      document,
      operationName: payload.operationName,
      variableValues: variables.coerced,
    };
  }

  /** Each operation over the socket spends a point of the caller's rate, as over HTTP. */
  private async refusal(ctx: GatewayContext): Promise<ExecutionResult | undefined> {
    try {
      await this.limits.spend(ctx);
      return undefined;
    } catch (error) {
      if (error instanceof GraphQLError) return { errors: [error] };
      throw error;
    }
  }

  private plan(args: ExecutionArgs): { plan: QueryPlan; loaded: Loaded } {
    const loaded = this.loaded!;
    const operation = operationFromDocument(loaded.apiSchema, args.document, {
      operationName: args.operationName ?? undefined,
    });
    return { plan: loaded.planner.buildQueryPlan(operation), loaded };
  }

  private async execute(args: ExecutionArgs & { contextValue: GatewayContext }): Promise<ExecutionResult> {
    const refused = await this.refusal(args.contextValue);
    if (refused) return refused;
    const { plan, loaded } = this.plan(args);
    return this.run(plan, loaded, args);
  }

  private run(
    plan: QueryPlan,
    loaded: Loaded,
    args: ExecutionArgs & { contextValue: GatewayContext },
    event?: ExecutionResult,
  ): Promise<ExecutionResult> {
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

  private async subscribe(
    args: ExecutionArgs & { contextValue: GatewayContext },
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const refused = await this.refusal(args.contextValue);
    if (refused) return refused;
    const { plan, loaded } = this.plan(args);
    const node = plan.node;
    if (node?.kind !== 'Subscription') return this.run(plan, loaded, args);
    const source = this.sources.get(node.primary.serviceName);
    if (!source) return { errors: [new GraphQLError(`no subgraph named ${node.primary.serviceName}`)] };

    // The rest of the plan, run per event, starts from the event as if fetched.
    const perEvent: QueryPlan = {
      kind: 'QueryPlan',
      node: {
        kind: 'Sequence',
        nodes: [{ ...node.primary, serviceName: EVENT_SOURCE } as FetchNode, ...(node.rest ? [node.rest] : [])],
      },
    };
    const client = createClient({
      url: source.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: args.contextValue.authorization ? { authorization: args.contextValue.authorization } : {},
      retryAttempts: 0,
    });
    const stream = pushIterator<ExecutionResult>({
      buffer: BUFFER,
      name: 'subscription',
      onEnd: async () => {
        stopUpstream();
        await client.dispose();
      },
    });
    // Events are completed one after another, so they reach the caller in order.
    let completing = Promise.resolve();
    const stopUpstream = client.subscribe(
      {
        query: node.primary.operation,
        operationName: node.primary.operationName,
        variables: Object.fromEntries((node.primary.variableUsages ?? []).map((v) => [v, args.variableValues?.[v]])),
      },
      {
        next: (event) => {
          completing = completing
            .then(async () => {
              if (!event.data) return stream.push({ errors: event.errors as GraphQLError[] });
              stream.push(await this.run(perEvent, loaded, args, event as ExecutionResult));
            })
            .catch((error: unknown) => {
              args.contextValue.log.error({ err: error }, 'could not complete a subscription event');
              stream.push({
                errors: [
                  new GraphQLError('could not complete this event', { extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
                ],
              });
            });
        },
        // The subgraph refused or went away: the caller gets why, then the end.
        error: (error) => {
          completing = completing.then(() => {
            stream.push({ errors: upstreamErrors(error, node.primary.serviceName) });
            stream.end();
          });
        },
        complete: () => {
          completing = completing.then(() => stream.end());
        },
      },
    );
    return stream.iterator;
  }
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code } });
}

/** What the subgraph's socket said: its own GraphQL errors as they came, or why it closed. */
function upstreamErrors(error: unknown, service: string): GraphQLError[] {
  if (Array.isArray(error)) {
    return (error as Array<{ message: string; extensions?: Record<string, unknown> }>).map(
      (e) => new GraphQLError(e.message, { extensions: e.extensions }),
    );
  }
  const reason = (error as { reason?: string }).reason || (error as Error).message || 'connection closed';
  return [new GraphQLError(`subscription to ${service} ended: ${reason}`, { extensions: { code: 'UNAVAILABLE' } })];
}
