import { Entity, OptionalProps, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Directive, Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A market symbol someone follows; its prices come from the market collector.' })
@Directive('@key(fields: "symbol")')
@Entity({ tableName: 'tickers' })
export class Ticker {
  [PrimaryKeyProp]?: 'symbol';
  [OptionalProps]?: 'createdAt';

  @Field()
  @PrimaryKey({ type: 'text' })
  symbol!: string;

  @Property({ type: 'timestamptz', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
