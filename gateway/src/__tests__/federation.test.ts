// Federation 2 as kit subgraphs speak it: three of them (catalog, stock, reviews) using every
// directive, composed by the gateway and queried through it.
import { composeServices } from '@apollo/composition';
import { commonEnv, generateSigningKey, parseEnv, printSdl, startSubgraph, z } from '@switchyard/kit';
import { codes, freshDatabase, Stack } from '@switchyard/testing';
import type { GraphQLSchema } from 'graphql';
import { parse } from 'graphql';
import { buildCatalogSchema } from './federation/catalog.js';
import { buildReviewsSchema } from './federation/reviews.js';
import { buildStockSchema } from './federation/stock.js';
import { metricOf, testGateway } from './stack.js';

const stack = new Stack();
afterAll(() => stack.close());

const SUBGRAPHS: Record<string, () => Promise<GraphQLSchema>> = {
  catalog: buildCatalogSchema,
  stock: buildStockSchema,
  reviews: buildReviewsSchema,
};
let gateway: Awaited<ReturnType<typeof testGateway>>;

beforeAll(async () => {
  const key = await generateSigningKey();
  const env = parseEnv(
    { ...commonEnv, PORT: z.coerce.number() },
    { NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', GATEWAY_PUBLIC_KEYS: JSON.stringify(key.publicJwk) },
  );
  const urls: string[] = [];
  for (const [name, schema] of Object.entries(SUBGRAPHS)) {
    const service = await stack.add(startSubgraph({ name, database: false, schema, context: (base) => base }, env));
    urls.push(`${name}=${service.url}`);
  }
  gateway = await testGateway(stack, {
    GATEWAY_SIGNING_KEY: JSON.stringify(key.privateJwk),
    DATABASE_URL: await freshDatabase('federation'),
    SUPERGRAPH_SOURCE: 'introspect',
    INTROSPECT_POLL_MS: '0',
    SUBGRAPH_URLS: urls.join(','),
  });
});

describe('Federation 2 through the gateway, with kit subgraphs', () => {
  it('composes custom directives, tags and inaccessible fields, each subgraph on its chosen version', async () => {
    const sdl = Object.fromEntries(
      await Promise.all(Object.entries(SUBGRAPHS).map(async ([name, build]) => [name, printSdl(await build())])),
    );
    expect(sdl.catalog).toContain('https://specs.apollo.dev/federation/v2.14');
    expect(sdl.stock).toContain('https://specs.apollo.dev/federation/v2.3');
    const composed = composeServices(
      Object.entries(sdl).map(([name, text]) => ({ name, url: `http://${name}`, typeDefs: parse(text) })),
    );
    expect(composed.errors).toBeUndefined();
    const supergraph = composed.supergraphSdl!;
    expect(supergraph).toContain('directive @custom on OBJECT');
    // On the type, in the supergraph (between `type Product` and its fields).
    const product = supergraph.slice(supergraph.indexOf('type Product\n'));
    expect(product.slice(0, product.indexOf('\n{'))).toContain('@custom');
    expect(supergraph).toContain('@tag(name: "internal")');
    expect(supergraph).toMatch(/internalCode: String @inaccessible/);
    // Not in the API the gateway serves.
    const hidden = await gateway.client.request('{ product(id: "p1") { internalCode } }');
    expect(codes(hidden)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    // Where the supergraph hides anything, no answer is passed on as a subgraph sent it (a hidden
    // enum value, say, must become an error): one subgraph's answer too takes the gateway's path.
    expect(await gateway.client.data('{ product(id: "p1") { id sku } }')).toEqual({
      product: { id: 'p1', sku: 'federation' },
    });
    expect(await metricOf(gateway, 'gateway_direct_answers_total', { subgraph: 'catalog' })).toBe(0);
  });

  it('resolves one product across three subgraphs: @override, @requires, @provides, @shareable', async () => {
    const { product } = await gateway.client.data(
      `{ product(id: "p1") {
          id sku package variation { id } dimensions { size weight } notes
          createdBy { email name }
          inStock delivery(zip: "1000")
      } }`,
    );
    expect(product).toEqual({
      id: 'p1',
      sku: 'federation',
      package: '@apollo/federation',
      variation: { id: 'OSS' },
      dimensions: { size: 'small', weight: 1 },
      notes: 'a note',
      // Provided by catalog, not fetched from stock.
      createdBy: { email: 'support@apollographql.com', name: 'Jane Smith' },
      // stock's now (catalog still says false).
      inStock: true,
      // stock computes it from catalog's dimensions.
      delivery: 'small, 1 kg, to 1000',
    });
    const { product: owned } = await gateway.client.data(
      '{ product(id: "p1") { createdBy { totalProductsCreated } } }',
    );
    expect(owned).toEqual({ createdBy: { totalProductsCreated: 1337 } });
  });

  it('reaches entities by their composite and nested keys', async () => {
    // reviews knows only sku and package: catalog resolves the rest by that key, stock by the nested one.
    const { topProduct } = await gateway.client.data('{ topProduct { id variation { id } reviewsCount inStock } }');
    expect(topProduct).toEqual({ id: 'p1', variation: { id: 'OSS' }, reviewsCount: 7, inStock: true });
    // stock knows only the variation: catalog resolves the product by it, and stock's delivery needs its dimensions.
    const { productOfVariation } = await gateway.client.data(
      '{ productOfVariation(id: "platform") { id sku delivery(zip: "2000") } }',
    );
    expect(productOfVariation).toEqual({ id: 'p2', sku: 'studio', delivery: 'large, 3.5 kg, to 2000' });
  });

  it('adds a field to every implementation of an entity interface (@interfaceObject)', async () => {
    const { inventories } = await gateway.client.data('{ inventories { id stockCount ... on Warehouse { city } } }');
    expect(inventories).toEqual([{ id: 'w1', stockCount: 42, city: 'Lisbon' }]);
  });
});
