import { randomUUID } from 'node:crypto';
import { Check, Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export const Activity = {
  RUN: 'RUN',
  RIDE: 'RIDE',
  SWIM: 'SWIM',
  WALK: 'WALK',
  ROW: 'ROW',
  STRENGTH: 'STRENGTH',
  OTHER: 'OTHER',
} as const;
export type Activity = keyof typeof Activity;
registerEnumType(Activity, { name: 'Activity' });

@ObjectType({ description: 'One exercise session.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'sessions' })
// The indexes and checks the migrations make: indexes are compared by name, checks by expression
// (written as PostgreSQL prints them back).
@Index({
  name: 'sessions_user_started_idx',
  expression: 'create index on sessions (user_id, started_at desc, id desc)',
})
@Index({ name: 'sessions_started_idx', expression: 'create index on sessions (started_at desc, id desc)' })
@Index({
  name: 'sessions_user_duration_idx',
  expression: 'create index on sessions (user_id, duration_sec desc, id desc)',
})
@Index({ name: 'sessions_duration_idx', expression: 'create index on sessions (duration_sec desc, id desc)' })
@Check({ name: 'sessions_duration_sec_check', expression: 'duration_sec > 0 and duration_sec <= 172800' })
@Check({ name: 'sessions_distance_m_check', expression: 'distance_m >= (0)::double precision' })
@Check({ name: 'sessions_calories_check', expression: 'calories >= (0)::double precision' })
@Check({ name: 'sessions_avg_heart_rate_check', expression: 'avg_heart_rate >= 25 and avg_heart_rate <= 250' })
export class Session {
  [OptionalProps]?: 'createdAt' | 'distanceM' | 'calories' | 'avgHeartRate' | 'notes';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  userId!: string;

  @Field(() => Activity)
  @Enum({ items: Object.values(Activity) })
  activity!: Activity;

  @Field()
  @Property({ type: 'timestamptz', length: 3 })
  startedAt!: Date;

  @Field(() => Int)
  @Property({ type: 'integer' })
  durationSec!: number;

  @Field(() => Float, { nullable: true, description: 'Metres.' })
  @Property({ type: 'double', nullable: true })
  distanceM: number | null = null;

  @Field(() => Float, { nullable: true, description: 'Kilocalories.' })
  @Property({ type: 'double', nullable: true })
  calories: number | null = null;

  @Field(() => Int, { nullable: true, description: 'Beats per minute.' })
  @Property({ type: 'integer', nullable: true })
  avgHeartRate: number | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  notes: string | null = null;

  @Field()
  @Property({ type: 'timestamptz', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
