import { connectionType } from '@switchyard/kit';
import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One value of a sensor at an instant.' })
export class Reading {
  @Field()
  at!: Date;

  @Field(() => Float)
  value!: number;
}

export const ReadingConnection = connectionType(Reading);
