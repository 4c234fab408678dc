import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A benchmarked machine, found again by machine id (else hostname).' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'devices' })
export class Device {
  [OptionalProps]?: 'machineId' | 'vendor' | 'model' | 'latestBenchmarkId';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  machineId: string | null = null;

  @Field()
  @Property({ type: 'text' })
  hostname!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  vendor: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  model: string | null = null;

  @Field()
  @Property({ type: 'timestamptz' })
  firstSeenAt!: Date;

  @Field()
  @Property({ type: 'timestamptz' })
  lastSeenAt!: Date;

  @Field(() => Float, { description: 'Best global score of any benchmark.' })
  @Property({ type: 'double' })
  bestScore!: number;

  @Field(() => Float, { description: 'Global score of the latest benchmark.' })
  @Property({ type: 'double' })
  latestScore!: number;

  @Property({ type: 'uuid', nullable: true })
  latestBenchmarkId: string | null = null;
}
