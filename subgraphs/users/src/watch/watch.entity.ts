import { Check, Entity, Index, ManyToOne, OptionalProps, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, Float, ObjectType } from 'type-graphql';
import { Ticker } from '../ticker/ticker.entity.js';
import { User } from '../user/user.entity.js';

@ObjectType({ description: 'A ticker on a watchlist, with the thresholds that raise alerts.' })
@Entity({ tableName: 'watches' })
@Index({ name: 'watches_symbol_idx', expression: 'create index watches_symbol_idx on watches (symbol)' })
@Check({ name: 'watches_check', expression: 'high > low' })
@Check({ name: 'watches_high_check', expression: 'high >= (0)::double precision' })
@Check({ name: 'watches_low_check', expression: 'low >= (0)::double precision' })
export class Watch {
  [PrimaryKeyProp]?: ['user', 'ticker'];
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => User, {
    primary: true,
    fieldName: 'user_id',
    foreignKeyName: 'watches_user_id_fkey',
    deleteRule: 'cascade',
    updateRule: 'no action',
  })
  user!: User;

  @Field(() => Ticker)
  @ManyToOne(() => Ticker, {
    primary: true,
    fieldName: 'symbol',
    foreignKeyName: 'watches_symbol_fkey',
    updateRule: 'no action',
  })
  ticker!: Ticker;

  @Field(() => Float, { description: 'An alert is raised when the price rises above this.' })
  @Property({ type: 'double' })
  high!: number;

  @Field(() => Float, { description: 'An alert is raised when the price falls below this.' })
  @Property({ type: 'double' })
  low!: number;

  @Field()
  @Property({ type: 'timestamptz', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
