import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, statement } from '@switchyard/kit';
import { Field, Float, Int, ObjectType } from 'type-graphql';

// Plain values, hundreds per answer: graphql-js reads them (simpleResolvers), no per-field wrapper.
@ObjectType({ description: 'Aggregates of one bucket of a series.', simpleResolvers: true })
export class SeriesPoint {
  @Field({ description: 'Where the bucket starts.' }) start!: Date;
  @Field(() => Int) count!: number;
  @Field(() => Float) avg!: number;
  @Field(() => Float) min!: number;
  @Field(() => Float) max!: number;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** Points a series may have, so one request cannot ask for millions. */
const MAX_POINTS = 10_000;
/** The rollups' widths. */
const SOURCES = { '1h': { ms: UNIT_MS.h, interval: '1 hour' }, '1m': { ms: UNIT_MS.m, interval: '1 minute' } } as const;

type SeriesParams = { ids: string[]; source: '1m' | '1h'; sourceInterval: string; from: Date; to: Date };
type SeriesRow = { sensor_id: string; start_ms: number; count: string; avg: number; min: number; max: number };
// Only source buckets wholly inside [from, to): one starting before `from` or ending after `to`
// would bring in readings outside the range. Starts as epoch milliseconds (a number, not text to
// parse again for each point): whole seconds, so exact as float8.
const RANGE = `from sensors.rollups where sensor_id = any(:ids::uuid[]) and width = :source and bucket_start >= :from
     and bucket_start + :sourceInterval::interval <= :to`;
/** Buckets as wide as the rollups': the rollups themselves, in the index's order. */
const seriesRollups = statement<SeriesParams, SeriesRow>(
  `/* series */ select sensor_id, date_part('epoch', bucket_start) * 1000 as start_ms,
     count, sum / count as avg, min, max
   ${RANGE} order by sensor_id, bucket_start`,
);
/** Wider buckets: rollups summed into them. */
const seriesBuckets = statement<SeriesParams & { bucket: string }, SeriesRow>(
  `/* series */ select sensor_id,
     date_part('epoch', date_bin(:bucket::interval, bucket_start, 'epoch'::timestamptz)) * 1000 as start_ms,
     sum(count) as count, sum(sum) / sum(count) as avg, min(min) as min, max(max) as max
   ${RANGE} group by 1, 2 order by 1, 2`,
);

/**
 * A sensor's readings in [from, to) as buckets of `bucket` (15m, 1h, 1d...), empty buckets left
 * out, computed from the rollups: minute rollups for buckets under an hour, hour rollups above.
 * Buckets start at multiples of their width from the epoch (so 1d buckets are UTC days).
 */
export async function seriesOf(
  em: EntityManager,
  args: { from: Date; to: Date; bucket: string },
  ids: string[],
): Promise<Map<string, SeriesPoint[]>> {
  const match = /^(\d{1,4})([mhd])$/.exec(args.bucket);
  if (!match || Number(match[1]) === 0) throw new BadUserInputError('bucket', 'must look like 15m, 1h or 1d');
  const widthMs = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (args.from >= args.to) throw new BadUserInputError('to', 'must be after from');
  if ((args.to.getTime() - args.from.getTime()) / widthMs > MAX_POINTS) {
    throw new BadUserInputError('bucket', `makes more than ${MAX_POINTS} points for this range`);
  }
  const source: keyof typeof SOURCES = widthMs % UNIT_MS.h === 0 ? '1h' : '1m';
  const { ms, interval } = SOURCES[source];
  const range = { ids, source, sourceInterval: interval, from: args.from, to: args.to };
  const rows =
    widthMs === ms
      ? await seriesRollups(em, range)
      : await seriesBuckets(em, { ...range, bucket: `${widthMs / 1000} seconds` });
  const bySensor = new Map<string, SeriesPoint[]>(ids.map((id) => [id, []]));
  for (const r of rows) {
    bySensor
      .get(r.sensor_id)!
      .push({ start: new Date(r.start_ms), count: Number(r.count), avg: r.avg, min: r.min, max: r.max });
  }
  return bySensor;
}
