import { randomUUID } from 'node:crypto';
import { ArrayType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Directive, Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { COMPONENTS, type Component } from './score.js';

export const ComponentEnum = Object.fromEntries(COMPONENTS.map((c) => [c.toUpperCase(), c])) as Record<
  Uppercase<Component>,
  Component
>;
registerEnumType(ComponentEnum, { name: 'Component', description: 'A benchmarked part of a machine.' });

@ObjectType({ description: 'Normalised scores, 0–100; null for a component that was not run.' })
export class Scores {
  @Field(() => Float, { nullable: true })
  cpu!: number | null;

  @Field(() => Float, { nullable: true })
  mem!: number | null;

  @Field(() => Float, { nullable: true })
  disk!: number | null;

  @Field(() => Float, { nullable: true })
  net!: number | null;

  @Field(() => Float, { nullable: true })
  gpu!: number | null;
}

@ObjectType({ description: 'One benchmark run of a device.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'benchmarks' })
export class Benchmark {
  [OptionalProps]?: 'createdAt' | 'raw';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  deviceId!: string;

  @Property({ type: 'uuid' })
  snapshotId!: string;

  @Property({ type: 'double', nullable: true })
  cpu!: number | null;

  @Property({ type: 'double', nullable: true })
  mem!: number | null;

  @Property({ type: 'double', nullable: true })
  disk!: number | null;

  @Property({ type: 'double', nullable: true })
  net!: number | null;

  @Property({ type: 'double', nullable: true })
  gpu!: number | null;

  @Field(() => Float)
  @Property({ type: 'double' })
  globalScore!: number;

  @Field(() => [ComponentEnum], { description: 'Components that were not run; their weight went to the others.' })
  @Property({ type: ArrayType })
  missing!: Component[];

  @Field()
  @Property({ type: 'timestamptz' })
  ranAt!: Date;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The raw results the client reported.' })
  @Property({ type: 'json', nullable: true })
  raw: Record<string, unknown> | null = null;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
