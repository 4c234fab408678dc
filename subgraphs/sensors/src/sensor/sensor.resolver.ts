import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { BadUserInputError } from '@switchyard/kit';
import { READERS } from '../readers.js';
import * as catalog from '../catalog.service.js';
import type { SensorsContext } from '../context.js';
import { Equipment } from '../equipment/equipment.entity.js';
import { Reading, ReadingConnection } from './reading.types.js';
import { SeriesPoint } from './series.js';
import { Sensor } from './sensor.entity.js';
import { SensorInput } from './sensor.inputs.js';

const MAX_CODES = 100;

@Resolver(() => Sensor)
export class SensorResolver {
  @Authorized(...READERS)
  @Query(() => Sensor, { nullable: true })
  sensor(@Arg('id', () => ID) id: string, @Ctx() ctx: SensorsContext) {
    return ctx.loaders.sensor.load(id);
  }

  @Authorized(...READERS)
  @Query(() => [Sensor], {
    nullable: 'items',
    description: `Sensors by code (as MQTT topics name them), in the order asked; null for a code nobody has. At most ${MAX_CODES}.`,
  })
  sensorsByCode(@Arg('codes', () => [String]) codes: string[], @Ctx() ctx: SensorsContext) {
    if (codes.length > MAX_CODES) throw new BadUserInputError('codes', `at most ${MAX_CODES}`);
    return catalog.findSensorsByCode(ctx, codes);
  }

  @Authorized('ADMIN')
  @Mutation(() => Sensor)
  createSensor(@Arg('input') input: SensorInput, @Ctx() ctx: SensorsContext) {
    return catalog.createSensor(ctx, input);
  }

  @FieldResolver(() => Equipment)
  equipment(@Root() sensor: Sensor, @Ctx() ctx: SensorsContext) {
    return ctx.loaders.equipment.load(sensor.equipmentId);
  }

  @FieldResolver(() => Reading, { nullable: true, description: 'The newest reading.' })
  latest(@Root() sensor: Sensor, @Ctx() ctx: SensorsContext) {
    return ctx.loaders.latestReading.load(sensor.id);
  }

  @FieldResolver(() => [SeriesPoint], {
    description: 'Readings in [from, to) as buckets (15m, 1h, 1d...): count, avg, min, max, from rollups.',
  })
  series(
    @Root() sensor: Sensor,
    @Ctx() ctx: SensorsContext,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('bucket', () => String, { defaultValue: '1h' }) bucket: string,
  ) {
    return ctx.loaders.series.load({ id: sensor.id, args: { from, to, bucket } });
  }

  @FieldResolver(() => ReadingConnection, { description: 'Readings in [from, to), newest first.' })
  readings(
    @Root() sensor: Sensor,
    @Ctx() ctx: SensorsContext,
    @Arg('from', () => Date, { nullable: true }) from?: Date,
    @Arg('to', () => Date, { nullable: true }) to?: Date,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return ctx.loaders.readings.load({ id: sensor.id, args: { from, to, first, after } });
  }
}
