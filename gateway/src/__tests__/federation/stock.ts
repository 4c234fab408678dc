// A kit-built subgraph of the Federation 2 test, on an older Federation version of its own
// choosing: it knows products by their nested key only, takes `inStock` over from catalog,
// computes delivery from catalog's dimensions, owns users, and adds a field to every Inventory
// without knowing its implementations.
import { buildFederatedSchema } from '@switchyard/kit';
import { Arg, Directive, Field, FieldResolver, Float, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';

@ObjectType('ProductVariation')
@Directive('@shareable')
export class StockVariation {
  @Field(() => ID) id!: string;
}

@ObjectType('ProductDimension')
@Directive('@shareable')
export class StockDimension {
  @Field() size!: string;
  @Field(() => Float) weight!: number;
}

@ObjectType('User')
@Directive('@key(fields: "email")')
export class StockUser {
  @Field(() => ID) email!: string;
  @Field({ nullable: true }) @Directive('@shareable') name?: string;
  @Field(() => Int) totalProductsCreated!: number;
}

@ObjectType('Product')
@Directive('@key(fields: "variation { id }")')
export class StockProduct {
  @Field(() => StockVariation) variation!: StockVariation;
  @Field(() => StockDimension) @Directive('@external') dimensions?: StockDimension;
  @Field() @Directive('@override(from: "catalog")') inStock!: boolean;
}

@ObjectType('Inventory')
@Directive('@interfaceObject')
@Directive('@key(fields: "id")')
export class StockInventory {
  @Field(() => ID) id!: string;
  @Field(() => Int) stockCount!: number;
}

@Resolver(() => StockProduct)
export class StockResolver {
  /** Known here by its nested key only: catalog fills in the rest. */
  @Query(() => StockProduct)
  productOfVariation(@Arg('id', () => ID) id: string) {
    return { variation: { id }, inStock: true };
  }

  @FieldResolver(() => String)
  @Directive('@requires(fields: "dimensions { size weight }")')
  delivery(@Root() product: StockProduct, @Arg('zip') zip: string): string {
    return `${product.dimensions!.size}, ${product.dimensions!.weight} kg, to ${zip}`;
  }
}

export const buildStockSchema = () =>
  buildFederatedSchema({
    resolvers: [StockResolver],
    orphanedTypes: [StockUser, StockInventory],
    federation: {
      version: '2.3',
      imports: ['@key', '@shareable', '@external', '@requires', '@override', '@interfaceObject'],
    },
    references: {
      Product: { __resolveReference: (key: object) => ({ ...key, inStock: true }) },
      User: {
        __resolveReference: ({ email }: { email: string }) => ({
          email,
          name: 'Jane (as stock knows her)',
          totalProductsCreated: 1337,
        }),
      },
      Inventory: { __resolveReference: ({ id }: { id: string }) => ({ id, stockCount: 42 }) },
    },
  });
