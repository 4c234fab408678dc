import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The users subgraph's User, which this subgraph extends with sessions and stats. */
@ObjectType('User')
@Directive('@key(fields: "id")')
export class UserRef {
  @Field(() => ID)
  id!: string;
}
