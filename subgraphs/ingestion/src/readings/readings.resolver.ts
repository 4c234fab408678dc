import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { IngestionContext } from '../context.js';
import { ingestReadings } from './readings.service.js';
import { IngestReport, ReadingInput } from './readings.types.js';

@Resolver()
export class ReadingsResolver {
  @Authorized('ADMIN', 'scope:sensors:write')
  @Mutation(() => IngestReport, {
    description:
      'For the sensor platform (an API token with scope sensors:write): up to 10000 readings, stored once per batchId.',
  })
  ingestReadings(
    @Arg('batchId', () => ID) batchId: string,
    @Arg('readings', () => [ReadingInput]) readings: ReadingInput[],
    @Ctx() ctx: IngestionContext,
  ) {
    return ingestReadings(ctx, batchId, readings);
  }
}
