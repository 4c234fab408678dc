import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A machine on a site, carrying sensors.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'equipment' })
export class Equipment {
  [OptionalProps]?: 'createdAt' | 'active' | 'location';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  siteId!: string;

  @Field({ description: 'Unique.' })
  @Property({ type: 'text', unique: true })
  code!: string;

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  location: string | null = null;

  @Field({ description: 'Deactivated equipment keeps its history and takes no new readings.' })
  @Property({ type: 'boolean' })
  active: boolean = true;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
