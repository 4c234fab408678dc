// The deep query of the workload and its answer, computed from data.ts without any GraphQL.
import {
  inStock,
  type Product,
  productByUpc,
  products,
  type Review,
  reviewsByAuthor,
  reviewsByProduct,
  shippingEstimate,
  type User,
  userById,
  users,
} from './data.js';

const TOP = 5;

/**
 * Every level hops subgraphs (accounts → reviews → products → inventory, which @requires
 * products' price and weight, → reviews → accounts → ...), and the same users and products recur
 * under many paths, so the gateway sends them again and again.
 */
export const DEEP_QUERY = `query Deep {
  users {
    id username name
    reviews {
      id body
      product {
        upc name price weight inStock shippingEstimate
        reviews { id body author { id username name reviews { id product { upc name inStock } } } }
      }
    }
  }
  me {
    id username
    reviews { id product { upc name inStock reviews { id author { id username } } } }
  }
  topProducts(first: ${TOP}) {
    upc name price weight inStock shippingEstimate
    reviews { id body author { id username name } }
  }
}`;

const product = (upc: string) => productByUpc.get(upc)!;
const user = (id: string) => userById.get(id)!;
const item = (p: Product) => ({ upc: p.upc, name: p.name, price: p.price, weight: p.weight, inStock: inStock(p.upc) });
const shipped = (p: Product) => ({ ...item(p), shippingEstimate: shippingEstimate(p.price, p.weight) });
const person = (u: User) => ({ id: u.id, username: u.username, name: u.name });
const reviewsOf = (u: User) => reviewsByAuthor.get(u.id) ?? [];
const reviewsFor = (p: Product) => reviewsByProduct.get(p.upc) ?? [];

export function expectedAnswer() {
  const authorOf = (r: Review) => ({
    ...person(user(r.authorId)),
    reviews: reviewsOf(user(r.authorId)).map((own) => {
      const p = product(own.upc);
      return { id: own.id, product: { upc: p.upc, name: p.name, inStock: inStock(p.upc) } };
    }),
  });
  return {
    data: {
      users: users.map((u) => ({
        ...person(u),
        reviews: reviewsOf(u).map((r) => ({
          id: r.id,
          body: r.body,
          product: {
            ...shipped(product(r.upc)),
            reviews: reviewsFor(product(r.upc)).map((other) => ({
              id: other.id,
              body: other.body,
              author: authorOf(other),
            })),
          },
        })),
      })),
      me: {
        id: users[0]!.id,
        username: users[0]!.username,
        reviews: reviewsOf(users[0]!).map((r) => {
          const p = product(r.upc);
          return {
            id: r.id,
            product: {
              upc: p.upc,
              name: p.name,
              inStock: inStock(p.upc),
              reviews: reviewsFor(p).map((o) => ({
                id: o.id,
                author: { id: o.authorId, username: user(o.authorId).username },
              })),
            },
          };
        }),
      },
      topProducts: products.slice(0, TOP).map((p) => ({
        ...shipped(p),
        reviews: reviewsFor(p).map((r) => ({ id: r.id, body: r.body, author: person(user(r.authorId)) })),
      })),
    },
  };
}
