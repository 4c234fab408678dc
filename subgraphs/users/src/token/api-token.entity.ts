import { randomUUID } from 'node:crypto';
import { ArrayType, Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../user/user.entity.js';

@ObjectType({ description: 'A revocable credential for a machine client (bench client, sensor platform...).' })
@Entity({ tableName: 'api_tokens' })
export class ApiToken {
  [OptionalProps]?: 'createdAt' | 'createdBy' | 'revokedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => [String])
  @Property({ type: ArrayType })
  scopes!: string[];

  /** SHA-256 of the token; the token itself is shown once and never stored. */
  @Property({ type: 'text', hidden: true })
  tokenHash!: string;

  // The creating user's id (mapped to the key alone), with the foreign key the migration declares.
  @ManyToOne(() => User, {
    mapToPk: true,
    nullable: true,
    fieldName: 'created_by',
    foreignKeyName: 'api_tokens_created_by_fkey',
    deleteRule: 'set null',
    updateRule: 'no action',
  })
  createdBy: string | null = null;

  @Field()
  @Property({ type: 'timestamptz', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', length: 3, nullable: true })
  revokedAt: Date | null = null;
}
