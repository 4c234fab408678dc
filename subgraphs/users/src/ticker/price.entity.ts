import { Entity, Index, ManyToOne, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, Float, ObjectType } from 'type-graphql';
import { Ticker } from './ticker.entity.js';

@ObjectType()
@Entity({ tableName: 'prices' })
@Index({ name: 'prices_at_idx', expression: 'create index prices_at_idx on prices (at)' })
export class Price {
  [PrimaryKeyProp]?: ['ticker', 'at'];

  @ManyToOne(() => Ticker, {
    primary: true,
    fieldName: 'symbol',
    foreignKeyName: 'prices_symbol_fkey',
    deleteRule: 'cascade',
    updateRule: 'no action',
  })
  ticker!: Ticker;

  @Field()
  @PrimaryKey({ type: 'timestamptz', length: 3 })
  at!: Date;

  @Field(() => Float)
  @Property({ type: 'double' })
  price!: number;
}
