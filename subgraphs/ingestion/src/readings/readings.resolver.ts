import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { IngestionContext } from '../context.js';
import { ingestReadings } from './readings.service.js';
import { IngestReport, ReadingColumns, ReadingInput } from './readings.types.js';

@Resolver()
export class ReadingsResolver {
  @Authorized('ADMIN', 'scope:sensors:write')
  @Mutation(() => IngestReport, {
    description:
      'For the sensor platform (an API token with scope sensors:write): up to 10000 readings, as `readings` or as `columns` (one of the two), stored once per batchId. Rejected readings are named by their position in the batch.',
  })
  ingestReadings(
    @Arg('batchId', () => ID) batchId: string,
    @Arg('readings', () => [ReadingInput], { nullable: true }) readings: ReadingInput[] | null | undefined,
    @Arg('columns', () => ReadingColumns, { nullable: true }) columns: ReadingColumns | null | undefined,
    @Ctx() ctx: IngestionContext,
  ) {
    return ingestReadings(ctx, batchId, { readings, columns });
  }
}
