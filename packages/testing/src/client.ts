export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}

/** A small GraphQL-over-HTTP client that talks to a real server. */
export class GraphQLClient {
  constructor(
    readonly url: string,
    private readonly token?: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  as(token: string | undefined): GraphQLClient {
    return new GraphQLClient(this.url, token, this.headers);
  }

  /** The same client, sending these headers too (a viewer assertion, say). */
  with(headers: Record<string, string>): GraphQLClient {
    return new GraphQLClient(this.url, this.token, { ...this.headers, ...headers });
  }

  async request<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<T>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...this.headers,
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
    return { status: response.status, ...body };
  }

  /** Runs the operation and returns its data, failing with the errors if there were any. */
  async data<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const result = await this.request<T>(query, variables);
    if (result.errors?.length || !result.data) {
      throw new Error(`GraphQL errors: ${JSON.stringify(result.errors ?? result)}`);
    }
    return result.data;
  }
}

/** The error codes of a response, in order. */
export function codes(result: GraphQLResponse<unknown>): unknown[] {
  return (result.errors ?? []).map((e) => e.extensions?.code);
}
