import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetchNode, QueryPlan } from '@apollo/query-planner';
import {
  type ExecutionResult,
  getNamedType,
  type GraphQLNamedType,
  type GraphQLSchema,
  isEnumType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  type SelectionSetNode,
} from 'graphql';
import { passedOn } from '@switchyard/kit';
import { apolloInternal, gatewayTracing } from './apollo-internals.js';

type ExecuteQueryPlan = (
  plan: QueryPlan,
  serviceMap: Record<string, GraphQLDataSource>,
  requestContext: {
    request: { variables?: Record<string, unknown> };
    context: unknown;
    metrics?: { captureTraces?: boolean };
  },
  operationContext: { schema: GraphQLSchema; operation: OperationDefinitionNode; fragments: Record<string, unknown> },
  supergraphSchema: GraphQLSchema,
  ...rest: unknown[]
) => Promise<ExecutionResult>;

/** A source that takes direct answers (ours; any other gateway in the process keeps Apollo's path). */
interface Direct extends GraphQLDataSource {
  /** The answer, parsed, with the text it came as where it was only data. */
  answer(
    options: GraphQLDataSourceProcessOptions,
  ): Promise<{ response: Awaited<ReturnType<GraphQLDataSource['process']>>; text?: string }>;
  answeredDirectly(): void;
}
const takesDirect = (source: GraphQLDataSource | undefined): source is Direct =>
  typeof (source as Partial<Direct> | undefined)?.answer === 'function' &&
  typeof (source as Partial<Direct>).answeredDirectly === 'function';

/**
 * Whether a selection set only names fields (no fragments, directives or meta fields such as
 * __typename) of the API schema whose values are not enums: an enum value a subgraph adds before
 * the supergraph is composed again is one the gateway's own path turns into null and an error.
 */
function plainFields(set: SelectionSetNode, parent: GraphQLNamedType | null | undefined): boolean {
  if (!isObjectType(parent) && !isInterfaceType(parent)) return false;
  const fields = parent.getFields();
  return set.selections.every((s) => {
    if (s.kind !== Kind.FIELD || s.directives?.length || s.name.value.startsWith('__')) return false;
    const field = fields[s.name.value];
    const type = field && getNamedType(field.type);
    if (!type || isEnumType(type)) return false;
    return s.selectionSet ? plainFields(s.selectionSet, type) : true;
  });
}

const directFetches = new WeakMap<QueryPlan, FetchNode | null>();

/**
 * The plan's one fetch when it asks its subgraph exactly the caller's selection (the same fields,
 * aliases and arguments, no fragments, directives or meta fields; nothing in the supergraph
 * @inaccessible): the subgraph's data is then
 * the answer as the gateway would shape it. Judged once per plan (a plan belongs to one document
 * and operation name, and the gateway plans again for a new supergraph).
 */
export function directFetch(
  plan: QueryPlan,
  { schema, operation, fragments }: { schema: GraphQLSchema; operation: OperationDefinitionNode; fragments: object },
  supergraph: GraphQLSchema,
): FetchNode | null {
  let fetch = directFetches.get(plan);
  if (fetch !== undefined) return fetch;
  fetch = null;
  const node = plan.node;
  if (
    node?.kind === 'Fetch' &&
    !supergraph.getDirective('inaccessible') &&
    !node.requires?.length &&
    !node.inputRewrites?.length &&
    !node.outputRewrites?.length &&
    !node.contextRewrites?.length &&
    !node.hasDefers &&
    Object.keys(fragments).length === 0 &&
    plainFields(operation.selectionSet, schema.getRootType(operation.operation))
  ) {
    const sent = parse(node.operation).definitions;
    const same =
      sent.length === 1 &&
      sent[0]!.kind === Kind.OPERATION_DEFINITION &&
      sent[0].operation === operation.operation &&
      print(sent[0].selectionSet) === print(operation.selectionSet);
    if (same) fetch = node;
  }
  directFetches.set(plan, fetch);
  return fetch;
}

let installed = false;

/**
 * Makes @apollo/gateway pass a subgraph's data on as it came when the plan is one fetch asking
 * exactly what the caller asked (directFetch): the gateway would otherwise merge it into an empty
 * result and copy it out again field by field, for an identical answer. Anything else (errors,
 * several fetches, fragments, enum values, usage traces, a supergraph with @inaccessible) takes
 * the gateway's own path, with the answer already received where there is one. What a subgraph
 * passed on this way sends is not checked against the supergraph's types again: a subgraph that
 * changes a field's type or nullability before the supergraph is composed again is answered as it
 * says. (@apollo/gateway offers no hook:
 * its executor calls this module export, replaced here; a version without it fails at start.)
 */
export function answerDirectFetches(): void {
  if (installed) return;
  const module = apolloInternal<{ executeQueryPlan: ExecuteQueryPlan }>('@apollo/gateway/dist/executeQueryPlan');
  const shaped = module.executeQueryPlan;
  if (typeof shaped !== 'function') {
    throw new Error('@apollo/gateway has no executeQueryPlan: gateway/src/direct-answer.ts needs updating');
  }
  const { tracer, OpenTelemetrySpanNames: spans } = gatewayTracing();
  module.executeQueryPlan = async (plan, serviceMap, requestContext, operationContext, supergraph, ...rest) => {
    const fetch = directFetch(plan, operationContext, supergraph);
    const source = fetch ? serviceMap[fetch.serviceName] : undefined;
    if (!fetch || !takesDirect(source) || requestContext.metrics?.captureTraces) {
      return shaped(plan, serviceMap, requestContext, operationContext, supergraph, ...rest);
    }
    const provided = requestContext.request.variables ?? {};
    const variables: Record<string, unknown> = Object.create(null);
    for (const name of fetch.variableUsages ?? []) {
      if (Object.hasOwn(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
    }
    const send = () =>
      source.answer({
        kind: 'incoming operation',
        request: { query: fetch.operation, variables, operationName: fetch.operationName },
        incomingRequestContext: requestContext,
        context: requestContext.context,
        document: fetch.operationDocumentNode,
        pathInIncomingRequest: [],
      } as unknown as GraphQLDataSourceProcessOptions);
    // The gateway's own spans for what runs here (its path, when taken below, adds its own).
    const received = await tracer.startActiveSpan(spans.EXECUTE, (execute) =>
      tracer
        .startActiveSpan(spans.FETCH, { attributes: { service: fetch.serviceName } }, (span) =>
          send().finally(() => span.end()),
        )
        .then(
          ({ response: answer, text }) => ({ answer, text }),
          (error: unknown) => ({ error }),
        )
        .finally(() => execute.end()),
    );
    if ('answer' in received) {
      const data = received.answer.data;
      if (!received.answer.errors?.length && data !== null && typeof data === 'object' && !Array.isArray(data)) {
        source.answeredDirectly();
        // Where the answer was only its data, written out again as the text it came as.
        return { data: received.text === undefined ? data : passedOn(received.text) };
      }
    }
    // What came back, through the gateway's path (its errors' paths and codes, partial data).
    const again: GraphQLDataSource = {
      process: () => ('answer' in received ? Promise.resolve(received.answer) : Promise.reject(received.error)),
    };
    return shaped(plan, { [fetch.serviceName]: again }, requestContext, operationContext, supergraph, ...rest);
  };
  installed = true;
}
