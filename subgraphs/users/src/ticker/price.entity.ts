import { Entity, ManyToOne, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, Float, ObjectType } from 'type-graphql';
import { Ticker } from './ticker.entity.js';

@ObjectType()
@Entity({ tableName: 'prices' })
export class Price {
  [PrimaryKeyProp]?: ['ticker', 'at'];

  @ManyToOne(() => Ticker, { primary: true, fieldName: 'symbol', deleteRule: 'cascade' })
  ticker!: Ticker;

  @Field()
  @PrimaryKey({ type: 'timestamptz' })
  at!: Date;

  @Field(() => Float)
  @Property({ type: 'double' })
  price!: number;
}
