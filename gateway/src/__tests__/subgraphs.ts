import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { generateSigningKey, type Service } from '@switchyard/kit';
import { freshDatabase, GraphQLClient, type Stack } from '@switchyard/testing';
import { graphql, parse } from 'graphql';
import { testGateway } from './stack.js';

export interface SubgraphRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  headers: IncomingMessage['headers'];
}

export interface SmallSubgraph {
  name: string;
  url: string;
  /** Every GraphQL request it received, in order. */
  requests: SubgraphRequest[];
  /** Entity representations received over all `_entities` requests. */
  representations(): number;
  close(): Promise<void>;
}

/**
 * A subgraph over real HTTP (node:http, graphql-js execution of an @apollo/subgraph schema), for
 * the gateway's data path: `intercept` sees each request first and may answer (or break the
 * connection) instead; `keepAliveMs` is the server's idle keep-alive timeout.
 */
export async function startSubgraph(
  name: string,
  typeDefs: string,
  resolvers: GraphQLResolverMap<unknown>,
  options: {
    keepAliveMs?: number;
    intercept?: (request: SubgraphRequest, req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  } = {},
): Promise<SmallSubgraph> {
  const schema = buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers });
  const requests: SubgraphRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const request: SubgraphRequest = { ...body, headers: req.headers };
    requests.push(request);
    if (await options.intercept?.(request, req, res)) return;
    const result = await graphql({
      schema,
      source: body.query,
      variableValues: body.variables,
      operationName: body.operationName,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(result));
  });
  if (options.keepAliveMs !== undefined) {
    server.keepAliveTimeout = options.keepAliveMs;
    // Node 24 waits a further second past keepAliveTimeout by default; this subgraph is strict.
    (server as { keepAliveTimeoutBuffer?: number }).keepAliveTimeoutBuffer = 0;
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    requests,
    representations: () =>
      requests.reduce((sum, r) => sum + ((r.variables?.representations as unknown[] | undefined)?.length ?? 0), 0),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Switchyard's gateway composing `subgraphs` by introspection, with `settings` on top. */
export async function gatewayOver(
  stack: Stack,
  subgraphs: SmallSubgraph[],
  settings: Record<string, string> = {},
): Promise<Service & { client: GraphQLClient }> {
  return testGateway(stack, {
    LOG_LEVEL: 'warn',
    GATEWAY_SIGNING_KEY: JSON.stringify((await generateSigningKey()).privateJwk),
    DATABASE_URL: await freshDatabase('datapath'),
    SUPERGRAPH_SOURCE: 'introspect',
    INTROSPECT_POLL_MS: '0',
    SUBGRAPH_URLS: subgraphs.map((s) => `${s.name}=${s.url}`).join(','),
    RATE_LIMIT: '1000000', // not what these tests are about
    ...settings,
  });
}
