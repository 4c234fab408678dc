import { connectionType, eventStream, isUuid, requireViewer, type Topic, type z } from '@switchyard/kit';
import {
  Arg,
  Ctx,
  Authorized,
  Field,
  FieldResolver,
  Float,
  ID,
  Int,
  ObjectType,
  Query,
  registerEnumType,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import type { SensorsContext } from '../context.js';
import { readingsStored, sensorAlertsRaised, storedInstants } from '../events.js';
import { READERS, requireReader } from '../readers.js';
import { listSensorAlerts } from './alert.service.js';
import { Sensor } from './sensor.entity.js';

type Stored = z.infer<typeof readingsStored.schema>;
type Raised = z.infer<typeof sensorAlertsRaised.schema>['alerts'][number];

export const SensorAlertKind = { HIGH: 'HIGH', LOW: 'LOW' } as const;
registerEnumType(SensorAlertKind, {
  name: 'SensorAlertKind',
  description: "Above, or below, the sensor's normal range.",
});

@ObjectType({ description: 'A reading as it is stored.' })
export class LiveReading {
  @Field(() => ID) sensorId!: string;
  @Field() at!: Date;
  @Field(() => Float) value!: number;
}

@ObjectType({ description: "A stored reading outside its sensor's normal range." })
export class SensorAlert {
  @Field(() => ID) sensorId!: string;
  @Field(() => ID) siteId!: string;
  @Field() at!: Date;
  @Field(() => Float) value!: number;
  @Field(() => SensorAlertKind) kind!: keyof typeof SensorAlertKind;
  @Field(() => Float, { nullable: true }) normalMin!: number | null;
  @Field(() => Float, { nullable: true }) normalMax!: number | null;
}

/**
 * A live stream for a signed-in caller (whose session the gateway keeps confirming): the events
 * under `keys` (all, without), then the items `keep` keeps.
 */
function live<T, I = T>(
  ctx: SensorsContext,
  topic: Topic<T>,
  keys: { keysOf: (event: T) => string[]; keys: readonly string[] } | undefined,
  keep: (item: I) => boolean,
  spread?: (event: T) => I[],
) {
  requireReader(requireViewer(ctx));
  return eventStream<T, I>(ctx.events, topic, { route: keys, filter: keep, spread, position: ctx.position });
}

const sensorsOf = (event: Stored) => event.sensors.map((s) => s.sensorId);
const sitesOf = (event: z.infer<typeof sensorAlertsRaised.schema>) => event.alerts.map((a) => a.siteId);

@Resolver(() => LiveReading)
export class LiveReadingResolver {
  @Subscription(() => [LiveReading], {
    description: 'Readings of these sensors as they are stored, a stored batch at a time (a live tail).',
    subscribe: ({ args, context }) =>
      live(
        context as SensorsContext,
        readingsStored,
        { keysOf: sensorsOf, keys: args.sensorIds as string[] },
        () => true,
      ),
  })
  readings(
    @Root() event: Stored,
    @Ctx() ctx: SensorsContext,
    @Arg('sensorIds', () => [ID]) sensorIds: string[],
  ): LiveReading[] {
    ctx.fresh();
    return event.sensors
      .flatMap(({ sensorId, value }, index) =>
        sensorIds.includes(sensorId)
          ? storedInstants(event, index).map((at, i) => ({ sensorId, at: new Date(at), value: value[i]! }))
          : [],
      )
      .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.sensorId < b.sensorId ? -1 : 1));
  }

  @FieldResolver(() => Sensor, { nullable: true })
  sensor(@Root() reading: LiveReading, @Ctx() ctx: SensorsContext) {
    return ctx.loaders.sensor.load(reading.sensorId);
  }
}

const SensorAlertConnection = connectionType(SensorAlert);

@Resolver(() => SensorAlert)
export class SensorAlertResolver {
  @Authorized(...READERS)
  @Query(() => SensorAlertConnection, { description: 'Stored sensor alerts, newest first, of one site or all.' })
  sensorAlerts(
    @Ctx() ctx: SensorsContext,
    @Arg('siteId', () => ID, { nullable: true }) siteId?: string,
    @Arg('from', () => Date, { nullable: true }) from?: Date,
    @Arg('to', () => Date, { nullable: true }) to?: Date,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    if (siteId && !isUuid(siteId)) return { nodes: [], pageInfo: { endCursor: null, hasNextPage: false } };
    return listSensorAlerts(ctx.em, { siteId, from, to, first, after });
  }

  @Subscription(() => SensorAlert, {
    description: "Readings outside their sensor's normal range as they are stored, of one site or all.",
    subscribe: ({ args, context }) =>
      live(
        context as SensorsContext,
        sensorAlertsRaised,
        args.siteId ? { keysOf: sitesOf, keys: [args.siteId as string] } : undefined,
        (alert: Raised) => !args.siteId || alert.siteId === args.siteId,
        (event) => event.alerts,
      ),
  })
  sensorAlert(
    @Root() event: Raised,
    @Ctx() ctx: SensorsContext,
    @Arg('siteId', () => ID, { nullable: true }) _siteId?: string,
  ): SensorAlert {
    ctx.fresh();
    return { ...event, at: new Date(event.at) };
  }

  @FieldResolver(() => Sensor, { nullable: true })
  sensor(@Root() alert: SensorAlert, @Ctx() ctx: SensorsContext) {
    return ctx.loaders.sensor.load(alert.sensorId);
  }
}
