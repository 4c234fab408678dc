// The third kit-built subgraph of the Federation 2 test: it knows products by their composite
// key only, and is asked for the top one.
import { buildFederatedSchema } from '@switchyard/kit';
import { Directive, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';

@ObjectType('Product')
@Directive('@key(fields: "sku package")')
export class ReviewedProduct {
  @Field() sku!: string;
  @Field() package!: string;
  @Field(() => Int) reviewsCount!: number;
}

@Resolver()
export class ReviewsResolver {
  @Query(() => ReviewedProduct)
  topProduct() {
    return { sku: 'federation', package: '@apollo/federation', reviewsCount: 7 };
  }
}

export const buildReviewsSchema = () =>
  buildFederatedSchema({
    resolvers: [ReviewsResolver],
    references: {
      Product: { __resolveReference: (key: { sku: string; package: string }) => ({ ...key, reviewsCount: 7 }) },
    },
  });
