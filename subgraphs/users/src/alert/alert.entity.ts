import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
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
@Index({
  name: 'alerts_user_triggered_idx',
  expression: 'create index alerts_user_triggered_idx on alerts (user_id, triggered_at desc, id desc)',
})
@Index({
  name: 'alerts_triggered_idx',
  expression: 'create index alerts_triggered_idx on alerts (triggered_at desc, id desc)',
})
export class Alert {
  [OptionalProps]?: 'triggeredAt' | 'emailedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => User)
  @ManyToOne(() => User, {
    fieldName: 'user_id',
    foreignKeyName: 'alerts_user_id_fkey',
    deleteRule: 'cascade',
    updateRule: 'no action',
  })
  user!: User;

  // No foreign key: alert history outlives a ticker that cleanup removed.
  @Field(() => Ticker)
  @ManyToOne(() => Ticker, { fieldName: 'symbol', createForeignKeyConstraint: false })
  ticker!: Ticker;

  @Field(() => AlertKind)
  @Enum({ items: Object.values(AlertKind) })
  kind!: AlertKind;

  @Field(() => Float)
  @Property({ type: 'double' })
  price!: number;

  @Field(() => Float)
  @Property({ type: 'double' })
  threshold!: number;

  @Field()
  @Property({ type: 'timestamptz', length: 3, defaultRaw: 'now()' })
  triggeredAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', length: 3, nullable: true })
  emailedAt: Date | null = null;
}
