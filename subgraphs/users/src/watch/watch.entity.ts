import { Entity, ManyToOne, OptionalProps, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, Float, ObjectType } from 'type-graphql';
import { Ticker } from '../ticker/ticker.entity.js';
import { User } from '../user/user.entity.js';

@ObjectType({ description: 'A ticker on a watchlist, with the thresholds that raise alerts.' })
@Entity({ tableName: 'watches' })
export class Watch {
  [PrimaryKeyProp]?: ['user', 'ticker'];
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => User, { primary: true, fieldName: 'user_id', deleteRule: 'cascade' })
  user!: User;

  @Field(() => Ticker)
  @ManyToOne(() => Ticker, { primary: true, fieldName: 'symbol' })
  ticker!: Ticker;

  @Field(() => Float, { description: 'An alert is raised when the price rises above this.' })
  @Property({ type: 'double' })
  high!: number;

  @Field(() => Float, { description: 'An alert is raised when the price falls below this.' })
  @Property({ type: 'double' })
  low!: number;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
