import { randomUUID } from 'node:crypto';
import { ArrayType, Check, Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Directive, Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Device } from '../device/device.entity.js';
import { HardwareSnapshot } from '../device/snapshot.entity.js';
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
// The index and checks the migration makes (checks written as PostgreSQL prints them back).
@Index({
  name: 'benchmarks_device_ran_idx',
  expression: 'create index benchmarks_device_ran_idx on benchmarks (device_id, ran_at desc, id desc)',
})
@Check({
  name: 'benchmarks_cpu_check',
  expression: 'cpu >= (0)::double precision and cpu <= (100)::double precision',
})
@Check({
  name: 'benchmarks_mem_check',
  expression: 'mem >= (0)::double precision and mem <= (100)::double precision',
})
@Check({
  name: 'benchmarks_disk_check',
  expression: 'disk >= (0)::double precision and disk <= (100)::double precision',
})
@Check({
  name: 'benchmarks_net_check',
  expression: 'net >= (0)::double precision and net <= (100)::double precision',
})
@Check({
  name: 'benchmarks_gpu_check',
  expression: 'gpu >= (0)::double precision and gpu <= (100)::double precision',
})
export class Benchmark {
  [OptionalProps]?: 'createdAt' | 'raw';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Device, {
    mapToPk: true,
    joinColumn: 'device_id',
    foreignKeyName: 'benchmarks_device_id_fkey',
    deleteRule: 'cascade',
    updateRule: 'no action',
  })
  deviceId!: string;

  @ManyToOne(() => HardwareSnapshot, {
    mapToPk: true,
    joinColumn: 'snapshot_id',
    foreignKeyName: 'benchmarks_snapshot_id_fkey',
    deleteRule: 'no action',
    updateRule: 'no action',
  })
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
  @Property({ type: 'timestamptz', length: 3 })
  ranAt!: Date;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The raw results the client reported.' })
  @Property({ type: 'json', nullable: true })
  raw: Record<string, unknown> | null = null;

  @Field()
  @Property({ type: 'timestamptz', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
