import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { type AssertionSigner, IDENTITY_CHANGED, STALE_ASSERTION, VIEWER_HEADER } from '@switchyard/kit';
import { GraphQLError } from 'graphql';
import { Counter, type Registry } from 'prom-client';
import type { GatewayContext } from './context.js';
import { distinctRepresentations, spreadEntities, type SubgraphResponse } from './entities.js';
import {
  type SubgraphAnswer,
  SubgraphClient,
  type SubgraphClientOptions,
  SubgraphFetchError,
} from './subgraph-client.js';

const MUTATION = /^\s*mutation\b/;

/** Whether a parsed answer is only its data (`{"data":{...}}`). */
const onlyData = (response: SubgraphResponse) => {
  const keys = Object.keys(response);
  return keys.length === 1 && keys[0] === 'data' && typeof response.data === 'object' && response.data !== null;
};

/** The status codes whose meaning a caller can act on; any other failure is the subgraph's. */
const STATUS_CODES: Record<number, string> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN' };

/** What the data path does, per subgraph: fetches sent, shared with one in flight, tried again. */
export function subgraphMetrics(registry: Registry) {
  return {
    fetches: new Counter({
      name: 'gateway_subgraph_fetches_total',
      help: 'Subgraph fetches by outcome: sent, shared (joined an identical one in flight), retried, failed.',
      labelNames: ['subgraph', 'outcome'],
      registers: [registry],
    }),
    representations: new Counter({
      name: 'gateway_subgraph_representations_total',
      help: 'Entity representations the plan asked for, by whether they were sent or folded into an equal one.',
      labelNames: ['subgraph', 'outcome'],
      registers: [registry],
    }),
    direct: new Counter({
      name: 'gateway_direct_answers_total',
      help: "Answers passed on as the subgraph sent them: the plan was one fetch asking exactly the caller's selection.",
      labelNames: ['subgraph'],
      registers: [registry],
    }),
  };
}
export type SubgraphMetrics = ReturnType<typeof subgraphMetrics>;

const HEALTH_CHECK = JSON.stringify({ query: 'query __ApolloServiceHealthCheck__ { __typename }' });

/**
 * How the gateway reaches one subgraph. It tells the subgraph who is calling in a viewer
 * assertion signed by the gateway (the caller's own token never leaves the gateway), forwards
 * the request id, sends each distinct entity representation once,
 * lets identical query fetches that are in flight at the same time share one request, and turns
 * a subgraph that cannot be reached in time into UNAVAILABLE errors on its own fields.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly client: SubgraphClient;
  private readonly inFlight = new Map<string, Promise<SubgraphAnswer>>();

  private readonly count: Record<
    'sent' | 'shared' | 'retried' | 'failed' | 'distinct' | 'folded' | 'direct',
    { inc(n?: number): void }
  >;

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly options: SubgraphClientOptions,
    metrics: SubgraphMetrics,
    private readonly assertions: AssertionSigner,
    /** Hears the users and tokens a subgraph says a request changed (the caller's cache forgets them). */
    private readonly identityChanged: (ids: string[]) => void = () => undefined,
  ) {
    this.client = new SubgraphClient(url, options, () => this.count.retried.inc());
    const fetches = (outcome: string) => metrics.fetches.labels({ subgraph: name, outcome });
    const representations = (outcome: string) => metrics.representations.labels({ subgraph: name, outcome });
    this.count = {
      sent: fetches('sent'),
      shared: fetches('shared'),
      retried: fetches('retried'),
      failed: fetches('failed'),
      distinct: representations('sent'),
      folded: representations('folded'),
      direct: metrics.direct.labels({ subgraph: name }),
    };
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    return (await this.answer(options)).response;
  }

  /** The subgraph's answer to a fetch, parsed; with the text it came as where it was only data. */
  async answer(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<{ response: SubgraphResponse; text?: string }> {
    const { request } = options;
    const context = options.context as Partial<GatewayContext> | undefined;
    const mutation = MUTATION.test(request.query ?? '');
    const representations = request.variables?.representations;
    const shared = Array.isArray(representations) ? distinctRepresentations(representations) : undefined;
    if (Array.isArray(representations)) {
      const distinct = shared?.distinct.length ?? representations.length;
      this.count.distinct.inc(distinct);
      if (distinct < representations.length) this.count.folded.inc(representations.length - distinct);
    }
    const variables = shared ? { ...request.variables, representations: shared.distinct } : request.variables;
    const body = JSON.stringify({ query: request.query, variables, operationName: request.operationName });

    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [name, value] of request.http?.headers ?? []) headers[name] = value;
    // Composition's and health checks' own fetches carry no caller: an anonymous assertion.
    headers[VIEWER_HEADER] = await this.assertions.sign(context?.auth ?? { viewer: null }, this.name);
    if (context?.requestId) {
      headers['x-request-id'] = context.requestId;
      if (context.forwardedHost) headers['x-forwarded-host'] = context.forwardedHost;
      if (context.forwardedProto) headers['x-forwarded-proto'] = context.forwardedProto;
    }

    let answer = await this.fetch(body, headers, mutation, context?.mutations);
    if (answer.status === 401 && context?.reconfirm && answer.body.includes(STALE_ASSERTION)) {
      // The caller's session changed and the subgraph heard before this gateway did (it refused
      // without running anything): confirm the caller again, and ask once more as who they are now.
      headers[VIEWER_HEADER] = await this.assertions.sign(await context.reconfirm(), this.name);
      answer = await this.fetch(body, headers, mutation, context.mutations);
    }
    const response = this.parse(answer);
    // Only data, as sent: the answer's text can be passed on as it is (direct-answer.ts).
    const text = !shared && answer.status === 200 && onlyData(response) ? answer.body : undefined;
    const changed = response.extensions?.[IDENTITY_CHANGED];
    if (Array.isArray(changed)) {
      // Before the caller has the answer: their next request is confirmed anew, deterministically.
      this.identityChanged(changed.filter((id): id is string => typeof id === 'string'));
      delete response.extensions![IDENTITY_CHANGED];
    }
    return { response: shared ? spreadEntities(response, shared.slots) : response, text };
  }

  /** One fetch (shared with an identical query in flight), its failures as UNAVAILABLE errors. */
  private async fetch(
    body: string,
    headers: Record<string, string>,
    mutation: boolean,
    counts: GatewayContext['mutations'] | undefined,
  ): Promise<SubgraphAnswer> {
    if (mutation && counts) counts.sent++;
    try {
      return mutation ? await this.send(body, headers, 'refused') : await this.shared(body, headers);
    } catch (error) {
      if (!(error instanceof SubgraphFetchError)) throw error;
      this.count.failed.inc();
      // Refused at connect, even on the second try: it never ran, so at-most-once may run it again.
      if (mutation && counts && error.kind === 'refused') counts.refused++;
      throw new GraphQLError(
        error.kind === 'timeout'
          ? `the ${this.name} subgraph did not answer within ${this.options.timeoutMs} ms`
          : `the ${this.name} subgraph is unavailable (${error.code ?? error.kind})`,
        { extensions: { code: 'UNAVAILABLE', serviceName: this.name } },
      );
    }
  }

  /**
   * One request for every identical query fetch in flight at once (same document, variables and
   * caller credentials); each caller parses the answer itself, so none shares objects that the
   * executor will merge into.
   */
  private shared(body: string, headers: Record<string, string>): Promise<SubgraphAnswer> {
    const key = `${headers[VIEWER_HEADER] ?? ''}\n${headers['x-forwarded-host'] ?? ''}\n${headers['x-forwarded-proto'] ?? ''}\n${body}`;
    let pending = this.inFlight.get(key);
    if (pending) {
      this.count.shared.inc();
      return pending;
    }
    pending = this.send(body, headers, 'reset').finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, pending);
    return pending;
  }

  private send(body: string, headers: Record<string, string>, retry: 'reset' | 'refused'): Promise<SubgraphAnswer> {
    this.count.sent.inc();
    return this.client.send(body, headers, retry);
  }

  private parse(answer: SubgraphAnswer): SubgraphResponse {
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      body = undefined;
    }
    const graphql = body !== null && typeof body === 'object' && ('data' in body || 'errors' in body);
    // A GraphQL answer is passed on whatever its status (graphql-over-http answers 4xx with errors).
    if (graphql) return body as SubgraphResponse;
    const ok = answer.status >= 200 && answer.status < 300;
    throw new GraphQLError(
      ok
        ? `the ${this.name} subgraph answered without a GraphQL response`
        : `the ${this.name} subgraph answered HTTP ${answer.status}`,
      {
        extensions: {
          code: STATUS_CODES[answer.status] ?? (answer.status >= 500 ? 'UNAVAILABLE' : 'DOWNSTREAM_SERVICE_ERROR'),
          serviceName: this.name,
        },
      },
    );
  }

  /** Counts an answer of this subgraph that the gateway passed on as it came (direct-answer.ts). */
  answeredDirectly(): void {
    this.count.direct.inc();
  }

  /** Resolves when the subgraph answers a trivial query, as @apollo/gateway's health check asks it. */
  async healthCheck(): Promise<void> {
    const viewer = await this.assertions.sign({ viewer: null }, this.name);
    const answer = await this.client.send(
      HEALTH_CHECK,
      { 'content-type': 'application/json', [VIEWER_HEADER]: viewer },
      'reset',
    );
    const response = this.parse(answer);
    if (response.errors?.length || !response.data) throw new Error(`the ${this.name} subgraph answered with errors`);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
