import { createRequire } from 'node:module';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetchNode, QueryPlan } from '@apollo/query-planner';
import {
  type ExecutionResult,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  type SelectionSetNode,
} from 'graphql';

type ExecuteQueryPlan = (
  plan: QueryPlan,
  serviceMap: Record<string, GraphQLDataSource>,
  requestContext: {
    request: { variables?: Record<string, unknown> };
    context: unknown;
    metrics?: { captureTraces?: boolean };
  },
  operationContext: { operation: OperationDefinitionNode; fragments: Record<string, unknown> },
  supergraphSchema: GraphQLSchema,
  ...rest: unknown[]
) => Promise<ExecutionResult>;

/** A source that takes direct answers (ours; any other gateway in the process keeps Apollo's path). */
interface Direct extends GraphQLDataSource {
  answeredDirectly(): void;
}
const takesDirect = (source: GraphQLDataSource | undefined): source is Direct =>
  typeof (source as Partial<Direct> | undefined)?.answeredDirectly === 'function';

/** @apollo/gateway's own executeQueryPlan module (the copy it loads), whose export its executor calls. */
function executorModule(): { executeQueryPlan: ExecuteQueryPlan } {
  const fromGateway = createRequire(createRequire(__filename).resolve('@apollo/gateway'));
  return fromGateway('@apollo/gateway/dist/executeQueryPlan') as { executeQueryPlan: ExecuteQueryPlan };
}

/** Whether a selection set only names fields: no fragments, directives, or meta fields (__typename). */
function plainFields(set: SelectionSetNode): boolean {
  return set.selections.every(
    (s) =>
      s.kind === Kind.FIELD &&
      !s.directives?.length &&
      !s.name.value.startsWith('__') &&
      (!s.selectionSet || plainFields(s.selectionSet)),
  );
}

const directFetches = new WeakMap<QueryPlan, FetchNode | null>();

/**
 * The plan's one fetch when it asks its subgraph exactly the caller's selection (the same fields,
 * aliases and arguments, no fragments, directives or meta fields): the subgraph's data is then
 * the answer as the gateway would shape it. Judged once per plan (a plan belongs to one document).
 */
export function directFetch(plan: QueryPlan, operation: OperationDefinitionNode, fragments: object): FetchNode | null {
  let fetch = directFetches.get(plan);
  if (fetch !== undefined) return fetch;
  fetch = null;
  const node = plan.node;
  if (
    node?.kind === 'Fetch' &&
    !node.requires?.length &&
    !node.inputRewrites?.length &&
    !node.outputRewrites?.length &&
    !node.contextRewrites?.length &&
    !node.hasDefers &&
    Object.keys(fragments).length === 0 &&
    plainFields(operation.selectionSet)
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
 * several fetches, fragments, usage traces, a supergraph with @inaccessible) takes the gateway's
 * own path, with the answer already received where there is one. (@apollo/gateway offers no hook:
 * its executor calls this module export, replaced here; a version without it fails at start.)
 */
export function answerDirectFetches(): void {
  if (installed) return;
  const module = executorModule();
  const shaped = module.executeQueryPlan;
  if (typeof shaped !== 'function') {
    throw new Error('@apollo/gateway has no executeQueryPlan: gateway/src/direct-answer.ts needs updating');
  }
  module.executeQueryPlan = async (plan, serviceMap, requestContext, operationContext, supergraph, ...rest) => {
    const fetch = directFetch(plan, operationContext.operation, operationContext.fragments);
    const source = fetch ? serviceMap[fetch.serviceName] : undefined;
    if (
      !fetch ||
      !takesDirect(source) ||
      requestContext.metrics?.captureTraces ||
      supergraph.getDirective('inaccessible')
    ) {
      return shaped(plan, serviceMap, requestContext, operationContext, supergraph, ...rest);
    }
    const provided = requestContext.request.variables ?? {};
    const variables: Record<string, unknown> = Object.create(null);
    for (const name of fetch.variableUsages ?? []) {
      if (Object.hasOwn(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
    }
    let answer: Awaited<ReturnType<GraphQLDataSource['process']>>;
    try {
      answer = await source.process({
        kind: 'incoming operation',
        request: { query: fetch.operation, variables, operationName: fetch.operationName },
        incomingRequestContext: requestContext,
        context: requestContext.context,
        document: fetch.operationDocumentNode,
        pathInIncomingRequest: [],
      } as unknown as GraphQLDataSourceProcessOptions);
    } catch (error) {
      return shaped(
        plan,
        { [fetch.serviceName]: { process: () => Promise.reject(error) } },
        requestContext,
        operationContext,
        supergraph,
        ...rest,
      );
    }
    const data = answer.data;
    if (!answer.errors?.length && data !== null && typeof data === 'object' && !Array.isArray(data)) {
      source.answeredDirectly();
      return { data };
    }
    return shaped(
      plan,
      { [fetch.serviceName]: { process: async () => answer } },
      requestContext,
      operationContext,
      supergraph,
      ...rest,
    );
  };
  installed = true;
}
