import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { GraphQLSchema } from 'graphql';

/** What a subgraph was asked: HTTP requests, and entity representations across its `_entities` calls. */
export interface Counts {
  requests: number;
  representations: number;
}

export interface Listening {
  url: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Node's default, set explicitly so a change of default cannot change what is measured. */
const KEEP_ALIVE_MS = 5000;

export async function listen(server: Server, port = 0, path = ''): Promise<Listening> {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * A subgraph on Apollo Server's own request pipeline (executeHTTPGraphQLRequest, as
 * startStandaloneServer runs it) behind a bare node:http handler: startStandaloneServer hides its
 * http.Server, and the handler is where the counting happens.
 */
export async function serveSubgraph(schema: GraphQLSchema, counts: Counts): Promise<Listening> {
  const http = createServer();
  const apollo = new ApolloServer({ schema, plugins: [ApolloServerPluginDrainHttpServer({ httpServer: http })] });
  await apollo.start();
  http.on('request', (req, res) => {
    readBody(req)
      .then(async (text) => {
        const body =
          req.method === 'POST' && text
            ? (JSON.parse(text) as { variables?: { representations?: unknown[] } })
            : undefined;
        counts.requests++;
        counts.representations += body?.variables?.representations?.length ?? 0;
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
        }
        const search = req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
        const response = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method ?? 'GET', headers, search, body },
          context: async () => ({}),
        });
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        if (response.body.kind === 'complete') return void res.end(response.body.string);
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      })
      .catch((error: unknown) => {
        res.statusCode = 400;
        res.end(JSON.stringify({ errors: [{ message: (error as Error).message }] }));
      });
  });
  const listening = await listen(http, 0, '/graphql');
  return { url: listening.url, close: () => apollo.stop() };
}
