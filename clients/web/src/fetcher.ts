import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { parse } from 'graphql';
import { endpoints } from './endpoints';

/**
 * Queries and mutations over HTTP, subscriptions over graphql-ws; the headers editor's content
 * (an Authorization header) goes with both, as connection parameters for a subscription.
 * Whether an operation is a subscription is read from the text sent, not from the editor's
 * parse of it, which lags a run started right after typing.
 */
export function gatewayFetcher(location: Pick<Location, 'protocol' | 'host'>): Fetcher {
  const { http, ws } = endpoints(location);
  const fetcher = createGraphiQLFetcher({ url: http, subscriptionUrl: ws });
  return (params, options) => {
    let documentAST = options?.documentAST;
    try {
      documentAST = parse(params.query);
    } catch {
      // Not GraphQL: the gateway says why.
    }
    return fetcher(params, { ...options, documentAST });
  };
}
