import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Activity, Session } from '../session/session.entity.js';

// Shared fields only; never a type of its own in the schema.
@ObjectType()
abstract class Totals {
  @Field(() => Int)
  count!: number;

  @Field(() => Float)
  totalDurationSec!: number;

  @Field(() => Float, { nullable: true, description: 'Null without sessions.' })
  averageDurationSec!: number | null;

  @Field(() => Float, { description: 'Metres, over sessions that recorded a distance.' })
  totalDistanceM!: number;

  @Field(() => Float)
  totalCalories!: number;

  @Field(() => Float, { nullable: true, description: 'Mean of the sessions that recorded a heart rate.' })
  averageHeartRate!: number | null;
}

@ObjectType()
export class ActivityStats extends Totals {
  @Field(() => Activity)
  activity!: Activity;
}

@ObjectType()
export class WeekStats {
  @Field({ description: 'Monday 00:00 UTC.' })
  weekStart!: Date;

  @Field(() => Int)
  count!: number;

  @Field(() => Float)
  totalDurationSec!: number;

  @Field(() => Float)
  totalDistanceM!: number;
}

@ObjectType({ description: "A user's sessions summed up over a time range (and optionally one activity)." })
export class SessionStats extends Totals {
  @Field(() => Session, { nullable: true })
  longest!: Session | null;

  @Field(() => [ActivityStats], { description: 'Activities with at least one session, by name.' })
  byActivity!: ActivityStats[];

  @Field(() => [WeekStats], { description: 'Weeks with at least one session, oldest first.' })
  byWeek!: WeekStats[];
}
