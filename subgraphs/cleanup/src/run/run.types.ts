import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export const CleanupJobName = {
  PRICES: 'PRICES',
  TICKERS: 'TICKERS',
  OUTBOX: 'OUTBOX',
  IDEMPOTENCY: 'IDEMPOTENCY',
  ORPHANS: 'ORPHANS',
  READINGS: 'READINGS',
  BATCHES: 'BATCHES',
} as const;
registerEnumType(CleanupJobName, {
  name: 'CleanupJob',
  description:
    'PRICES: past PRICE_RETENTION_DAYS; TICKERS: followed by nobody; OUTBOX: mail done past OUTBOX_RETENTION_DAYS; IDEMPOTENCY: idempotency keys past their expiry; ORPHANS: sessions of users deleted while sessions was down; READINGS: raw sensor readings past READING_RETENTION_DAYS (rollups kept); BATCHES: records of ingestReadings batches past BATCH_RETENTION_DAYS.',
});

export const RunTrigger = { SCHEDULE: 'SCHEDULE', ADMIN: 'ADMIN' } as const;
registerEnumType(RunTrigger, { name: 'CleanupTrigger' });

@ObjectType()
export class DeletedCount {
  @Field() reason!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'One run of a cleanup job.' })
export class CleanupRun {
  @Field(() => ID) id!: string;
  @Field(() => CleanupJobName) job!: keyof typeof CleanupJobName;
  @Field(() => RunTrigger) trigger!: keyof typeof RunTrigger;
  @Field() startedAt!: Date;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => [DeletedCount], { description: 'Rows deleted, by reason.' }) deleted!: DeletedCount[];
  @Field(() => String, { nullable: true }) error!: string | null;
}
