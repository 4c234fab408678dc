import { Field, Float, ID, InputType } from 'type-graphql';

@InputType()
export class SensorInput {
  @Field(() => ID) equipmentId!: string;
  @Field() code!: string;
  @Field() kind!: string;
  @Field() unit!: string;
  @Field(() => Float, { nullable: true }) normalMin?: number;
  @Field(() => Float, { nullable: true }) normalMax?: number;
}
