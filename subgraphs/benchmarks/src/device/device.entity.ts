import { randomUUID } from 'node:crypto';
import { Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A benchmarked machine, found again by machine id (else hostname).' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'devices' })
// The indexes the migration makes (compared by name).
@Unique({
  name: 'devices_hostname_no_machine_idx',
  expression: 'create unique index devices_hostname_no_machine_idx on devices (hostname) where machine_id is null',
})
@Index({
  name: 'devices_best_score_idx',
  expression: 'create index devices_best_score_idx on devices (best_score desc, id desc)',
})
@Index({
  name: 'devices_last_seen_idx',
  expression: 'create index devices_last_seen_idx on devices (last_seen_at desc, id desc)',
})
@Index({ name: 'devices_hostname_idx', properties: ['hostname', 'id'] })
export class Device {
  [OptionalProps]?: 'machineId' | 'vendor' | 'model' | 'latestBenchmarkId';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true, unique: 'devices_machine_id_key' })
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
  @Property({ type: 'timestamptz', length: 3 })
  firstSeenAt!: Date;

  @Field()
  @Property({ type: 'timestamptz', length: 3 })
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
