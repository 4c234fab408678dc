// The four subgraphs of the classic federation demo (accounts, inventory, products, reviews),
// served from the in-memory rows of data.ts.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLSchema, parse } from 'graphql';
import {
  inStock,
  productByUpc,
  products,
  reviewsByAuthor,
  reviewsByProduct,
  shippingEstimate,
  userById,
  users,
  type Review,
} from './data.js';

// Not exported by @apollo/subgraph under a name; kit/federation.ts derives it the same way.
type ResolverMap = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']>;

const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])`;

export const sdl: Record<string, string> = {
  accounts: `${LINK}
    type Query { me: User users: [User!]! }
    type User @key(fields: "id") { id: ID! name: String username: String }`,
  inventory: `${LINK}
    type Product @key(fields: "upc") {
      upc: String!
      price: Int @external
      weight: Int @external
      inStock: Boolean
      shippingEstimate: Int @requires(fields: "price weight")
    }`,
  products: `${LINK}
    type Query { topProducts(first: Int = 5): [Product!]! }
    type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int }`,
  reviews: `${LINK}
    type Review { id: ID! body: String author: User product: Product }
    type User @key(fields: "id") { id: ID! reviews: [Review!]! }
    type Product @key(fields: "upc") { upc: String! reviews: [Review!]! }`,
};

const reviewFields = {
  author: (review: Review) => ({ __typename: 'User', id: review.authorId }),
  product: (review: Review) => ({ __typename: 'Product', upc: review.upc }),
};

const resolvers: Record<string, ResolverMap> = {
  accounts: {
    Query: { me: () => users[0], users: () => users },
    User: { __resolveReference: (ref: { id: string }) => userById.get(ref.id) },
  },
  inventory: {
    Product: {
      __resolveReference: (ref: { upc: string; price?: number; weight?: number }) => ({
        ...ref,
        inStock: inStock(ref.upc),
      }),
      shippingEstimate: (ref: { price: number; weight: number }) => shippingEstimate(ref.price, ref.weight),
    },
  },
  products: {
    Query: { topProducts: (_: unknown, args: { first: number }) => products.slice(0, args.first) },
    Product: { __resolveReference: (ref: { upc: string }) => productByUpc.get(ref.upc) },
  },
  reviews: {
    Review: reviewFields,
    User: {
      __resolveReference: (ref: { id: string }) => ref,
      reviews: (user: { id: string }) => reviewsByAuthor.get(user.id) ?? [],
    },
    Product: {
      __resolveReference: (ref: { upc: string }) => ref,
      reviews: (product: { upc: string }) => reviewsByProduct.get(product.upc) ?? [],
    },
  },
};

export const SUBGRAPHS = Object.keys(sdl);

export function subgraphSchema(name: string): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: parse(sdl[name]!), resolvers: resolvers[name]! });
}
