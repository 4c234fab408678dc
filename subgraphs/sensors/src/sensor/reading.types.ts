import { connectionType } from '@switchyard/kit';
import { Field, Float, ObjectType } from 'type-graphql';

// Plain values, hundreds per answer: graphql-js reads them (simpleResolvers), no per-field wrapper.
@ObjectType({ description: 'One value of a sensor at an instant.', simpleResolvers: true })
export class Reading {
  @Field()
  at!: Date;

  @Field(() => Float)
  value!: number;
}

export const ReadingConnection = connectionType(Reading);
