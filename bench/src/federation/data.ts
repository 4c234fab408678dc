// The workload's data, built from counters alone so every process (the subgraphs' child and the
// bench that checks answers) derives the same rows without sharing anything.

export interface User {
  id: string;
  name: string;
  username: string;
}
export interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
export interface Review {
  id: string;
  body: string;
  authorId: string;
  upc: string;
}

/** Sized so the deep query fans out to a few hundred entity representations, most repeated. */
export const USERS = 7;
export const PRODUCTS = 9;
export const REVIEWS_PER_USER = 3;

export const users: User[] = Array.from({ length: USERS }, (_, i) => ({
  id: String(i + 1),
  name: `User ${i + 1}`,
  username: `user${i + 1}`,
}));

export const products: Product[] = Array.from({ length: PRODUCTS }, (_, i) => ({
  upc: String(1000 + i),
  name: `Product ${i + 1}`,
  price: 50 + ((i * 37) % 1400),
  weight: 1 + ((i * 13) % 40),
}));

// Stride 4 over 9 products spreads each user's reviews, so products have reviewers in common.
export const reviews: Review[] = users.flatMap((user, u) =>
  Array.from({ length: REVIEWS_PER_USER }, (_, k) => {
    const n = u * REVIEWS_PER_USER + k;
    return {
      id: String(n + 1),
      body: `Review ${n + 1} by ${user.username}`,
      authorId: user.id,
      upc: products[(n * 4) % PRODUCTS]!.upc,
    };
  }),
);

export const userById = new Map(users.map((u) => [u.id, u]));
export const productByUpc = new Map(products.map((p) => [p.upc, p]));
export const reviewsByAuthor = groupBy(reviews, (r) => r.authorId);
export const reviewsByProduct = groupBy(reviews, (r) => r.upc);

/** The inventory subgraph's own facts: stock, and shipping from price and weight (its @requires). */
export const inStock = (upc: string) => Number(upc) % 3 !== 0;
export const shippingEstimate = (price: number, weight: number) => (price > 1000 ? 0 : Math.round(weight * 0.5));

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list) list.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}
