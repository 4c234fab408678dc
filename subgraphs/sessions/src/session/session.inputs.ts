import { z } from '@switchyard/kit';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Activity } from './session.entity.js';

const MAX_DURATION_SEC = 48 * 3600;
const FUTURE_SLACK_MS = 10 * 60_000;
const EARLIEST = Date.UTC(1900, 0, 1);

const optionalNumber = (schema: z.ZodNumber) => schema.nullish().transform((v) => v ?? null);

/** The rules every new session obeys, whether created alone or imported. */
export const NewSession = z.object({
  userId: z.uuid('must be a user id').nullish(),
  activity: z.enum(Object.keys(Activity) as [Activity, ...Activity[]], {
    error: `must be one of ${Object.keys(Activity).join(', ')}`,
  }),
  startedAt: z
    .union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))], {
      error: 'must be an ISO 8601 date-time with a time zone',
    })
    .refine((d) => d.getTime() >= EARLIEST, 'must not be before 1900')
    .refine((d) => d.getTime() <= Date.now() + FUTURE_SLACK_MS, 'must not be more than 10 minutes in the future'),
  durationSec: z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be positive')
    .max(MAX_DURATION_SEC, 'must be at most 48 hours (172800)'),
  distanceM: optionalNumber(z.number().min(0, 'must not be negative').max(1_000_000, 'must be at most 1000 km')),
  calories: optionalNumber(z.number().min(0, 'must not be negative').max(50_000, 'must be at most 50000')),
  avgHeartRate: optionalNumber(
    z
      .number()
      .int('must be a whole number')
      .min(25, 'must be between 25 and 250')
      .max(250, 'must be between 25 and 250'),
  ),
  notes: z
    .string()
    .max(2000, 'must be at most 2000 characters')
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters')
    .nullish()
    .transform((v) => v ?? null),
});
export type NewSession = z.infer<typeof NewSession>;

export const MAX_IMPORT = 10_000;

@InputType({ description: 'A new session. Only an admin may name another user.' })
export class SessionInput {
  @Field(() => ID, { nullable: true, description: 'Defaults to the caller.' })
  userId?: string;

  @Field(() => Activity)
  activity!: Activity;

  @Field()
  startedAt!: Date;

  @Field(() => Int)
  durationSec!: number;

  @Field(() => Float, { nullable: true })
  distanceM?: number;

  @Field(() => Float, { nullable: true })
  calories?: number;

  @Field(() => Int, { nullable: true })
  avgHeartRate?: number;

  @Field(() => String, { nullable: true })
  notes?: string;
}

@InputType({
  description:
    'A session to import. Activity and startedAt are plain strings here, so a bad row is reported on its own instead of failing the whole batch.',
})
export class SessionImportRow {
  @Field(() => ID, { nullable: true })
  userId?: string;

  @Field()
  activity!: string;

  @Field({ description: 'ISO 8601 date-time.' })
  startedAt!: string;

  @Field(() => Float)
  durationSec!: number;

  @Field(() => Float, { nullable: true })
  distanceM?: number;

  @Field(() => Float, { nullable: true })
  calories?: number;

  @Field(() => Float, { nullable: true })
  avgHeartRate?: number;

  @Field(() => String, { nullable: true })
  notes?: string;
}

@ObjectType()
export class RejectedRow {
  @Field(() => Int, { description: 'Position in the input list, from 0.' })
  index!: number;

  @Field()
  field!: string;

  @Field()
  reason!: string;
}

@ObjectType()
export class ImportReport {
  @Field(() => Int)
  imported!: number;

  @Field(() => [RejectedRow])
  rejected!: RejectedRow[];
}

@InputType({ description: "Filters on one user's sessions." })
export class UserSessionFilter {
  @Field(() => Activity, { nullable: true })
  activity?: Activity;

  @Field({ nullable: true, description: 'Started at or after.' })
  from?: Date;

  @Field({ nullable: true, description: 'Started before.' })
  to?: Date;

  @Field(() => Int, { nullable: true })
  minDurationSec?: number;

  @Field(() => Int, { nullable: true })
  maxDurationSec?: number;
}

@InputType({ description: "Filters on sessions; without userId, users see their own and admins everyone's." })
export class SessionFilter extends UserSessionFilter {
  @Field(() => ID, { nullable: true })
  userId?: string;
}

/** from must come before to, when both are given. */
const fromBeforeTo: [(r: { from?: Date; to?: Date }) => boolean, { message: string; path: string[] }] = [
  (r) => !r.from || !r.to || r.from < r.to,
  { message: 'must be before to', path: ['from'] },
];

export const TimeRange = z.object({ from: z.date().optional(), to: z.date().optional() }).refine(...fromBeforeTo);

export const Filter = z
  .object({
    userId: z.uuid('must be a user id').optional(),
    activity: z.enum(Object.keys(Activity) as [Activity, ...Activity[]]).optional(),
    from: z.date().optional(),
    to: z.date().optional(),
    minDurationSec: z.number().int().min(0, 'must not be negative').optional(),
    maxDurationSec: z.number().int().min(0, 'must not be negative').optional(),
  })
  .refine(...fromBeforeTo)
  .refine((f) => f.minDurationSec == null || f.maxDurationSec == null || f.minDurationSec <= f.maxDurationSec, {
    message: 'must not exceed maxDurationSec',
    path: ['minDurationSec'],
  });
export type Filter = z.infer<typeof Filter>;

export const SessionOrder = {
  STARTED_AT_DESC: 'STARTED_AT_DESC',
  STARTED_AT_ASC: 'STARTED_AT_ASC',
  DURATION_DESC: 'DURATION_DESC',
  DURATION_ASC: 'DURATION_ASC',
} as const;
export type SessionOrder = keyof typeof SessionOrder;
registerEnumType(SessionOrder, { name: 'SessionOrder' });
