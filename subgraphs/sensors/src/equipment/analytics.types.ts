import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { ANALYTICS_KINDS } from '../analytics.js';

export const AnalyticsKind = Object.fromEntries(ANALYTICS_KINDS.map((k) => [k, k])) as {
  [K in (typeof ANALYTICS_KINDS)[number]]: K;
};
registerEnumType(AnalyticsKind, { name: 'AnalyticsKind', description: 'What the data-science system computed.' });

// Plain values, hundreds per answer: graphql-js reads them (simpleResolvers), no per-field wrapper.
@ObjectType({ description: 'One result of the data-science system for a piece of equipment.', simpleResolvers: true })
export class AnalyticsPoint {
  @Field() at!: Date;
  @Field(() => Float) value!: number;
  @Field({ description: 'The model that produced it.' }) model!: string;
}
