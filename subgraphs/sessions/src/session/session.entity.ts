import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
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
export class Session {
  [OptionalProps]?: 'createdAt' | 'distanceM' | 'calories' | 'avgHeartRate' | 'notes';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  userId!: string;

  @Field(() => Activity)
  @Property({ type: 'text' })
  activity!: Activity;

  @Field()
  @Property({ type: 'timestamptz' })
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
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
