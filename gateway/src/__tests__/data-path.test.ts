import type { Socket } from 'node:net';
import { ApolloGateway, IntrospectAndCompose } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { Stack, waitFor } from '@switchyard/testing';
import { GraphQLError } from 'graphql';
import { metricOf } from './stack.js';
import { gatewayOver, type SmallSubgraph, startSubgraph } from './subgraphs.js';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const PRODUCTS = ['p1', 'p2', 'p3', 'p4', 'p5'].map((upc, i) => ({
  upc,
  name: `Product ${i + 1}`,
  price: 10 * (i + 1),
}));
const REVIEWS = Array.from({ length: 40 }, (_, i) => ({ id: `r${i}`, body: `review ${i}`, upc: PRODUCTS[i % 5]!.upc }));

/** Products (p3 is withdrawn: its name fails) and reviews of them, over real HTTP. */
async function startShop(stack: Stack, options: Parameters<typeof startSubgraph>[3] = {}) {
  const products = await stack.add(
    startSubgraph(
      'products',
      `${LINK}
      type Product @key(fields: "upc") { upc: String! name: String price: Int status: Status }
      enum Status { ON_SALE WITHDRAWN }
      type Query { topProducts(first: Int = 5): [Product!]! }
      type Mutation { bump(upc: String!): Int }`,
      {
        Query: { topProducts: (_: unknown, { first }: { first: number }) => PRODUCTS.slice(0, first) },
        Mutation: { bump: () => 1 },
        Product: {
          __resolveReference: (ref: { upc: string }) => PRODUCTS.find((p) => p.upc === ref.upc),
          status: (product: { upc: string }) => (product.upc === 'p3' ? 'WITHDRAWN' : 'ON_SALE'),
          name: (product: { upc: string; name: string }) => {
            if (product.upc === 'p3') throw new GraphQLError('p3 is withdrawn', { extensions: { code: 'NOT_FOUND' } });
            return product.name;
          },
        },
      },
      options,
    ),
  );
  const reviews = await stack.add(
    startSubgraph(
      'reviews',
      `${LINK}
      type Review { id: ID! body: String! product: Product! }
      type Product @key(fields: "upc") { upc: String! reviews: [Review!]! }
      type Query { reviews: [Review!]! slowReviews: [Review!] }`,
      {
        Query: { reviews: () => REVIEWS, slowReviews: () => REVIEWS.slice(0, 2) },
        Review: { product: (review: { upc: string }) => ({ upc: review.upc }) },
        Product: { reviews: (product: { upc: string }) => REVIEWS.filter((r) => r.upc === product.upc) },
      },
      options,
    ),
  );
  return { products, reviews };
}

const SMALL = `${LINK} type Product @key(fields: "upc") { upc: String! }
  type Query { topProducts: [Product!]! } type Mutation { bump: Int }`;
const SMALL_RESOLVERS = {
  Query: { topProducts: () => PRODUCTS.map(({ upc }) => ({ upc })) },
  Mutation: { bump: () => 1 },
};

/** Only what a client can rely on: data, and each error's message, path and code. */
const comparable = (result: { data?: unknown; errors?: readonly unknown[] }) => ({
  data: result.data,
  errors: (result.errors as Array<{ message: string; path?: unknown; extensions?: { code?: unknown } }>)?.map((e) => ({
    message: e.message,
    path: e.path,
    code: e.extensions?.code,
  })),
});

/** What stock @apollo/gateway answers over the same subgraphs, as comparable. */
async function stockAnswer(subgraphs: SmallSubgraph[], query: string, variables?: Record<string, unknown>) {
  const stock = new ApolloServer({
    gateway: new ApolloGateway({
      supergraphSdl: new IntrospectAndCompose({ subgraphs: subgraphs.map(({ name, url }) => ({ name, url })) }),
    }),
  });
  await stock.start();
  try {
    const answer = await stock.executeOperation({ query, variables });
    expect(answer.body.kind).toBe('single');
    return comparable((answer.body as { singleResult: { data?: unknown; errors?: unknown[] } }).singleResult);
  } finally {
    await stock.stop();
  }
}

describe('the gateway data path', () => {
  const stack = new Stack();
  let shop: { products: SmallSubgraph; reviews: SmallSubgraph };
  let gateway: Awaited<ReturnType<typeof gatewayOver>>;

  beforeAll(async () => {
    shop = await startShop(stack);
    gateway = await gatewayOver(stack, [shop.products, shop.reviews]);
  });
  afterAll(() => stack.close());

  it('sends each distinct representation once and answers as stock @apollo/gateway does, errors at every path', async () => {
    const query = '{ reviews { id product { upc name price reviews { id } } } }';
    const before = shop.products.representations();
    const ours = await gateway.client.request(query);
    // 40 reviews name 5 products: 5 representations reach products, not 40.
    expect(shop.products.representations() - before).toBe(5);

    expect(comparable(ours)).toEqual(await stockAnswer([shop.products, shop.reviews], query));
    // The withdrawn product's name fails at each of its 8 reviews, each with its own path.
    const paths = ours.errors!.map((e) => e.path);
    expect(paths).toHaveLength(8);
    expect(paths).toEqual(REVIEWS.flatMap((r, i) => (r.upc === 'p3' ? [['reviews', i, 'product', 'name']] : [])));
    expect(ours.data!.reviews[0]).toEqual({
      id: 'r0',
      product: {
        upc: 'p1',
        name: 'Product 1',
        price: 10,
        reviews: REVIEWS.filter((r) => r.upc === 'p1').map((r) => ({ id: r.id })),
      },
    });
    expect(
      await metricOf(gateway, 'gateway_subgraph_representations_total', { subgraph: 'products', outcome: 'folded' }),
    ).toBe(35);
  });

  it("passes on as it came a subgraph's answer to exactly the caller's selection, and answers every query as stock @apollo/gateway does", async () => {
    const direct = async () =>
      (await metricOf(gateway, 'gateway_direct_answers_total', { subgraph: 'products' })) +
      (await metricOf(gateway, 'gateway_direct_answers_total', { subgraph: 'reviews' }));
    const cases: Array<[query: string, variables: Record<string, unknown> | undefined, passedOn: boolean]> = [
      ['{ topProducts(first: 2) { upc name price } }', undefined, true],
      ['query($n: Int) { topProducts(first: $n) { upc price } }', { n: 4 }, true],
      ['query($n: Int = 2) { topProducts(first: $n) { upc } }', undefined, true],
      ['{ a: topProducts(first: 1) { u: upc p: price } b: topProducts(first: 2) { upc } }', undefined, true],
      ['{ reviews { id body } }', undefined, true],
      ['mutation { bump(upc: "p1") }', undefined, true],
      // The subgraph's errors take the gateway's path (their paths, codes and partial data).
      ['{ topProducts { upc name } }', undefined, false],
      // Fragments, directives and __typename: the gateway shapes the answer.
      ['{ topProducts(first: 2) { ...F } } fragment F on Product { upc }', undefined, false],
      ['{ topProducts(first: 2) { ... on Product { upc } } }', undefined, false],
      ['query($yes: Boolean!) { topProducts(first: 2) { upc name @include(if: $yes) } }', { yes: false }, false],
      ['{ topProducts(first: 2) { __typename upc } }', undefined, false],
      ['{ __typename topProducts(first: 1) { upc } }', undefined, false],
      // Enum values: a subgraph's value unknown to the supergraph is the gateway's to refuse.
      ['{ topProducts(first: 4) { upc status } }', undefined, false],
      // A selection the plan sends otherwise (the field asked twice, sent once).
      ['{ topProducts(first: 1) { upc upc } }', undefined, false],
      // Two fetches.
      ['{ topProducts(first: 2) { upc reviews { id } } }', undefined, false],
    ];
    for (const [query, variables, passedOn] of cases) {
      const before = await direct();
      const ours = await gateway.client.request(query, variables);
      expect({ query, passedOn: (await direct()) - before === 1 }).toEqual({ query, passedOn });
      expect(comparable(ours)).toEqual(await stockAnswer([shop.products, shop.reviews], query, variables));
    }
  });

  it("writes a passed-on answer out as the subgraph's text, unless the subgraph sent more than data", async () => {
    // Valid JSON no serialiser writes (1.0e1 is 10): it reaches the caller only if passed on as text.
    const texts = {
      plain: '{"data":{"topProducts":[{"upc":"p1","price":1.0e1}]}}',
      extended: '{"data":{"topProducts":[{"price":1.0e1,"upc":"p1"}]},"extensions":{"subgraphOnly":true}}',
    };
    const queries = { plain: '{ topProducts { upc price } }', extended: '{ topProducts { price upc } }' };
    const products = await stack.add(
      startSubgraph('products', SMALL.replace('upc: String!', 'upc: String! price: Int'), SMALL_RESOLVERS, {
        intercept: (request, _req, res) => {
          const form = request.query.includes('upc price') ? 'plain' : 'extended';
          const text = request.query.includes('price') ? texts[form] : undefined;
          if (!text) return false;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(text);
          return true;
        },
      }),
    );
    const own = await gatewayOver(stack, [products]);
    const raw = async (form: keyof typeof queries) => {
      const response = await fetch(own.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: queries[form] }),
      });
      return response.text();
    };
    expect(await raw('plain')).toBe(texts.plain);
    // Extensions are the subgraph's own: the gateway answers the data alone, serialised anew.
    expect(await raw('extended')).toBe('{"data":{"topProducts":[{"price":10,"upc":"p1"}]}}');
    expect(await metricOf(own, 'gateway_direct_answers_total', { subgraph: 'products' })).toBe(2);
  });

  it('lets identical concurrent queries share one fetch, but never mutations', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const products = await stack.add(
      startSubgraph('products', SMALL, SMALL_RESOLVERS, {
        // Answers wait until the test has seen what it needs.
        intercept: async (request) => {
          if (/topProducts|bump/.test(request.query)) await held;
          return false;
        },
      }),
    );
    const own = await gatewayOver(stack, [products]);
    const shared = () => metricOf(own, 'gateway_subgraph_fetches_total', { subgraph: 'products', outcome: 'shared' });

    const queries = Array.from({ length: 10 }, () => own.client.request('{ topProducts { upc } }'));
    await waitFor(async () => (await shared()) === 9, 30_000, 'nine fetches to join the first');
    const mutations = Array.from({ length: 3 }, () => own.client.request('mutation { bump }'));
    await waitFor(
      async () => products.requests.filter((r) => r.query.startsWith('mutation')).length === 3,
      30_000,
      'three mutations',
    );
    release();
    for (const answer of await Promise.all(queries)) {
      expect(answer).toMatchObject({ status: 200, data: { topProducts: PRODUCTS.map(({ upc }) => ({ upc })) } });
    }
    for (const answer of await Promise.all(mutations)) expect(answer.data).toEqual({ bump: 1 });
    expect(products.requests.filter((r) => r.query.includes('topProducts'))).toHaveLength(1);
    // Another caller's credentials are another fetch.
    const before = products.requests.length;
    await own.client.as('someone-else').request('{ topProducts { upc } }');
    expect(products.requests.length).toBe(before + 1);
  });

  it('tries a query again once on a connection reset before any answer, never a mutation', async () => {
    // What the subgraph does to the next request: break the connection before answering, or
    // after part of the answer.
    let next: 'answer' | 'reset' | 'partial' = 'answer';
    const products = await stack.add(
      startSubgraph('products', SMALL, SMALL_RESOLVERS, {
        intercept: (_request, req, res) => {
          const now = next;
          next = 'answer';
          if (now === 'answer') return false;
          if (now === 'partial') {
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
            res.write('{"data":{"topPro');
            setImmediate(() => req.socket.destroy());
          } else req.socket.destroy();
          return true;
        },
      }),
    );
    const own = await gatewayOver(stack, [products]);
    const sent = (op: string) => products.requests.filter((r) => r.query.startsWith(op)).length;

    next = 'reset';
    expect((await own.client.request('{ topProducts { upc } }')).data).toEqual({
      topProducts: PRODUCTS.map(({ upc }) => ({ upc })),
    });
    expect(sent('{')).toBe(2);
    expect(await metricOf(own, 'gateway_subgraph_fetches_total', { subgraph: 'products', outcome: 'retried' })).toBe(1);

    next = 'reset';
    const mutation = await own.client.request('mutation { bump }');
    expect(mutation.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/the products subgraph is unavailable/),
        extensions: expect.objectContaining({ code: 'UNAVAILABLE' }),
      }),
    ]);
    expect(sent('mutation')).toBe(1);

    // Broken after part of the answer arrived: the subgraph may have done the work; not sent again.
    next = 'partial';
    const interrupted = await own.client.request('{ topProducts { upc } }');
    expect(interrupted.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
    expect(sent('{')).toBe(3);
  });

  it('answers UNAVAILABLE for the fields of a subgraph past its own timeout only', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = await startShop(stack, {
      intercept: async (request) => {
        if (request.query.includes('slowReviews')) await held;
        return false;
      },
    });
    const own = await gatewayOver(stack, [slow.products, slow.reviews], { SUBGRAPH_TIMEOUTS: 'reviews=300' });
    try {
      const answer = await own.client.request('{ topProducts(first: 2) { upc price } slowReviews { id } }');
      expect(answer.data).toEqual({
        topProducts: [
          { upc: 'p1', price: 10 },
          { upc: 'p2', price: 20 },
        ],
        slowReviews: null,
      });
      expect(answer.errors).toEqual([
        expect.objectContaining({
          message: 'the reviews subgraph did not answer within 300 ms',
          extensions: expect.objectContaining({ code: 'UNAVAILABLE' }),
        }),
      ]);
    } finally {
      release();
    }
  });

  it('closes a connection idle for 4 s when the subgraph names no keep-alive timeout', async () => {
    const sockets: Socket[] = [];
    // keepAliveTimeout 0: the subgraph keeps connections open without saying for how long.
    const silent = await stack.add(
      startSubgraph('products', SMALL, SMALL_RESOLVERS, {
        keepAliveMs: 0,
        intercept: (_request, req) => {
          sockets.push(req.socket);
          return false;
        },
      }),
    );
    const own = await gatewayOver(stack, [silent]);
    const before = sockets.length;
    expect((await own.client.request('{ topProducts { upc } }')).errors).toBeUndefined();
    const socket = sockets[before]!;
    const answered = Date.now();
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    // The gateway hangs up (the subgraph never would): after about 4 s idle, never much sooner.
    expect((await closed) - answered).toBeGreaterThanOrEqual(3_500);
  });

  it('loses no request to a reused connection around the subgraph keep-alive timeout', async () => {
    const KEEP_ALIVE = 2000;
    const idle = await startShop(stack, { keepAliveMs: KEEP_ALIVE });
    const own = await gatewayOver(stack, [idle.products, idle.reviews]);
    const failures: unknown[] = [];
    // Pauses just under, at and just over the subgraphs' timeout: the idle window is the test.
    for (const pause of [KEEP_ALIVE - 100, KEEP_ALIVE, KEEP_ALIVE + 100]) {
      // Each query its own root fetch (no two share one), so many connections are open.
      const burst = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          own.client.request('query($n: Int) { topProducts(first: $n) { upc reviews { id } } }', { n: i + 1 }),
        ),
      );
      failures.push(...burst.filter((r) => r.status !== 200 || r.errors));
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    const last = await own.client.request('{ topProducts { upc } }');
    expect(last.errors).toBeUndefined();
    expect(failures).toEqual([]);
  });
});
