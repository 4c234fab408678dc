import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Ticker } from '../ticker/ticker.entity.js';
import { User } from '../user/user.entity.js';

export const AlertKind = { HIGH: 'HIGH', LOW: 'LOW' } as const;
export type AlertKind = keyof typeof AlertKind;
registerEnumType(AlertKind, {
  name: 'AlertKind',
  description: 'HIGH: price rose above the high threshold; LOW: fell below the low one.',
});

@ObjectType({ description: "A price crossing of one of a user's thresholds." })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'alerts' })
export class Alert {
  [OptionalProps]?: 'triggeredAt' | 'emailedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => User)
  @ManyToOne(() => User, { fieldName: 'user_id', deleteRule: 'cascade' })
  user!: User;

  // No foreign key: alert history outlives a ticker that cleanup removed.
  @Field(() => Ticker)
  @ManyToOne(() => Ticker, { fieldName: 'symbol', createForeignKeyConstraint: false })
  ticker!: Ticker;

  @Field(() => AlertKind)
  @Property({ type: 'text' })
  kind!: AlertKind;

  @Field(() => Float)
  @Property({ type: 'double' })
  price!: number;

  @Field(() => Float)
  @Property({ type: 'double' })
  threshold!: number;

  @Field()
  @Property({ type: 'timestamptz' })
  triggeredAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  emailedAt: Date | null = null;
}
