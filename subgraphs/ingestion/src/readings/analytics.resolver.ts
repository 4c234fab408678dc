import { BadUserInputError } from '@switchyard/kit';
import { ANALYTICS_KINDS, equipmentByCode, type NewResult, upsertResults } from '@switchyard/sensors/analytics';
import { Arg, Authorized, Ctx, Field, Float, InputType, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { IngestionContext } from '../context.js';
import { RejectedReading } from './readings.types.js';

@InputType({ description: 'One result of the data-science system.' })
class AnalyticsInput {
  @Field() equipmentCode!: string;
  @Field({ description: 'ANOMALY_SCORE or FORECAST.' }) kind!: string;
  @Field() model!: string;
  @Field() at!: Date;
  @Field(() => Float) value!: number;
}

@ObjectType()
class AnalyticsReport {
  @Field(() => Int, { description: 'Results new to the store.' }) inserted!: number;
  @Field(() => Int, { description: 'Results that replaced what the same model gave for that instant.' })
  replaced!: number;
  @Field(() => [RejectedReading]) rejected!: RejectedReading[];
}

@Resolver()
export class AnalyticsResolver {
  @Authorized('ADMIN', 'scope:analytics:write')
  @Mutation(() => AnalyticsReport, {
    description:
      'For the data-science system (scope analytics:write): up to 10000 results; a re-run replaces its values.',
  })
  async ingestAnalytics(
    @Arg('results', () => [AnalyticsInput]) results: AnalyticsInput[],
    @Ctx() ctx: IngestionContext,
  ): Promise<AnalyticsReport> {
    if (results.length > 10_000) throw new BadUserInputError('results', 'must hold at most 10000');
    return ctx.em.fork().transactional(async (em) => {
      const equipment = await equipmentByCode(em, [...new Set(results.map((r) => r.equipmentCode))]);
      const rejected: RejectedReading[] = [];
      const valid: NewResult[] = [];
      const seen = new Set<string>();
      results.forEach((r, index) => {
        const reject = (field: string, reason: string) => rejected.push({ index, field, reason });
        const equipmentId = equipment.get(r.equipmentCode);
        if (!equipmentId) return reject('equipmentCode', 'is not known equipment');
        if (!(ANALYTICS_KINDS as readonly string[]).includes(r.kind)) {
          return reject('kind', `must be one of ${ANALYTICS_KINDS.join(', ')}`);
        }
        if (!r.model.trim() || r.model.length > 100) return reject('model', 'must be 1-100 characters');
        if (!Number.isFinite(r.value)) return reject('value', 'must be a finite number');
        const key = `${equipmentId}|${r.kind}|${r.model.trim()}|${new Date(r.at).getTime()}`;
        if (seen.has(key)) return reject('at', 'repeats an earlier result of this list');
        seen.add(key);
        valid.push({
          equipmentId,
          kind: r.kind as NewResult['kind'],
          model: r.model.trim(),
          at: new Date(r.at),
          value: r.value,
        });
      });
      return { ...(await upsertResults(em, valid)), rejected };
    });
  }
}
