// A kit-built subgraph for the Federation 2 test: products by three keys (single, composite,
// nested), a value type two subgraphs share, a field other subgraphs may not see, a tag, a custom
// directive kept in the supergraph, an interface entity, and a user field it provides.
import { buildFederatedSchema } from '@switchyard/kit';
import { Arg, Directive, Field, Float, ID, InterfaceType, ObjectType, Query, Resolver } from 'type-graphql';

@ObjectType()
@Directive('@shareable')
export class ProductVariation {
  @Field(() => ID) id!: string;
}

@ObjectType()
@Directive('@shareable')
export class ProductDimension {
  @Field() size!: string;
  @Field(() => Float) weight!: number;
}

/** stock's user; this subgraph knows their name as stock does (see Product.createdBy). */
@ObjectType('User')
@Directive('@key(fields: "email")')
export class CatalogUser {
  @Field(() => ID) email!: string;
  @Field({ nullable: true }) @Directive('@external') name?: string;
}

@ObjectType('Product')
@Directive('@custom')
@Directive('@key(fields: "id")')
@Directive('@key(fields: "sku package")')
@Directive('@key(fields: "variation { id }")')
export class CatalogProduct {
  @Field(() => ID) id!: string;
  @Field() sku!: string;
  @Field() package!: string;
  @Field(() => ProductVariation) variation!: ProductVariation;
  @Field(() => ProductDimension) dimensions!: ProductDimension;
  @Field(() => CatalogUser, { nullable: true })
  @Directive('@provides(fields: "name")')
  createdBy?: CatalogUser;
  @Field({ nullable: true }) @Directive('@tag(name: "internal")') notes?: string;
  @Field({ nullable: true }) @Directive('@inaccessible') internalCode?: string;
  /** stock answers this now (@override). */
  @Field() inStock!: boolean;
}

@InterfaceType('Inventory', { resolveType: () => 'Warehouse' })
@Directive('@key(fields: "id")')
export abstract class Inventory {
  @Field(() => ID) id!: string;
}

@ObjectType({ implements: Inventory })
@Directive('@key(fields: "id")')
export class Warehouse implements Inventory {
  @Field(() => ID) id!: string;
  @Field() city!: string;
}

export const PRODUCTS: CatalogProduct[] = [
  Object.assign(new CatalogProduct(), {
    id: 'p1',
    sku: 'federation',
    package: '@apollo/federation',
    variation: { id: 'OSS' },
    dimensions: { size: 'small', weight: 1 },
    createdBy: { email: 'support@apollographql.com', name: 'Jane Smith' },
    notes: 'a note',
    internalCode: 'secret-code',
    inStock: false,
  }),
  Object.assign(new CatalogProduct(), {
    id: 'p2',
    sku: 'studio',
    package: '',
    variation: { id: 'platform' },
    dimensions: { size: 'large', weight: 3.5 },
    createdBy: { email: 'support@apollographql.com', name: 'Jane Smith' },
    inStock: false,
  }),
];
const WAREHOUSES = [Object.assign(new Warehouse(), { id: 'w1', city: 'Lisbon' })];

type ProductKey = { id?: string; sku?: string; package?: string; variation?: { id: string } };
const findProduct = (key: ProductKey) =>
  PRODUCTS.find(
    (p) =>
      (key.id !== undefined && p.id === key.id) ||
      (key.sku !== undefined && p.sku === key.sku && p.package === key.package) ||
      (key.variation !== undefined && p.variation.id === key.variation.id),
  ) ?? null;

@Resolver()
export class CatalogResolver {
  @Query(() => CatalogProduct, { nullable: true })
  product(@Arg('id', () => ID) id: string) {
    return findProduct({ id });
  }

  @Query(() => [Inventory])
  inventories() {
    return WAREHOUSES;
  }
}

export const buildCatalogSchema = () =>
  buildFederatedSchema({
    resolvers: [CatalogResolver],
    orphanedTypes: [Warehouse, CatalogUser],
    references: {
      Product: { __resolveReference: (key: ProductKey) => findProduct(key) },
      Inventory: {
        __resolveReference: ({ id }: { id: string }) => WAREHOUSES.find((w) => w.id === id) ?? null,
      },
      Warehouse: {
        __resolveReference: ({ id }: { id: string }) => WAREHOUSES.find((w) => w.id === id) ?? null,
      },
    },
    sdl: `
      extend schema
        @link(url: "https://specs.example.dev/custom/v1.0", import: ["@custom"])
        @composeDirective(name: "@custom")
      directive @custom on OBJECT
    `,
  });
