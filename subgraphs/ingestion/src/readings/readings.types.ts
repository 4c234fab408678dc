import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';

@InputType({ description: 'One value from the sensor platform, naming its sensor by code.' })
export class ReadingInput {
  @Field() sensorCode!: string;
  @Field() at!: Date;
  @Field(() => Float) value!: number;
}

@InputType({
  description:
    'Readings as three lists of one length, the i-th reading being sensorCodes[i], times[i] and values[i]: a batch as ReadingInput objects would hold it, in fewer bytes and taken in less time.',
})
export class ReadingColumns {
  @Field(() => [String]) sensorCodes!: string[];
  @Field(() => [Date], { description: 'The instant of each reading (its `at`).' }) times!: Date[];
  @Field(() => [Float]) values!: number[];
}

@ObjectType({ description: 'A reading of the batch that was not stored, and why.' })
export class RejectedReading {
  @Field(() => Int, { description: 'Its position in the batch, from 0.' }) index!: number;
  @Field() field!: string;
  @Field() reason!: string;
}

@ObjectType({ description: 'What became of a batch of readings.' })
export class IngestReport {
  @Field(() => ID) batchId!: string;
  @Field(() => Int, { description: 'Readings stored by this batch.' }) accepted!: number;
  @Field(() => Int, { description: 'Readings already stored (same sensor and instant), left as they were.' })
  duplicates!: number;
  @Field(() => [RejectedReading]) rejected!: RejectedReading[];
  @Field({ description: 'True when this batch id was ingested before: the report is that first one.' })
  replayed!: boolean;
}
