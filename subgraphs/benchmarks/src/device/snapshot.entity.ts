import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Device } from './device.entity.js';

@ObjectType()
export class Cpu {
  @Field()
  model!: string;

  @Field(() => Int)
  cores!: number;

  @Field(() => Int)
  threads!: number;

  @Field(() => Float, { nullable: true })
  mhz!: number | null;
}

@ObjectType()
export class Disk {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: 'ssd, hdd, nvme...' })
  type!: string | null;

  @Field(() => Float)
  sizeBytes!: number;
}

@ObjectType()
export class Gpu {
  @Field()
  model!: string;

  @Field(() => Float, { nullable: true })
  vramBytes!: number | null;
}

@ObjectType()
export class NetworkInterface {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  mac!: string | null;

  @Field(() => Float, { nullable: true })
  speedMbps!: number | null;
}

@ObjectType()
export class Os {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  version!: string | null;

  @Field()
  kernel!: string;
}

@ObjectType({ description: "A device's hardware as reported; a new one is kept only when it changed." })
@Entity({ tableName: 'snapshots' })
@Index({
  name: 'snapshots_device_taken_idx',
  expression: 'create index snapshots_device_taken_idx on snapshots (device_id, taken_at desc, id desc)',
})
export class HardwareSnapshot {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Device, {
    mapToPk: true,
    joinColumn: 'device_id',
    foreignKeyName: 'snapshots_device_id_fkey',
    deleteRule: 'cascade',
    updateRule: 'no action',
  })
  deviceId!: string;

  @Field({ description: 'SHA-256 of the hardware description, key order and list order aside.' })
  @Property({ type: 'text' })
  hash!: string;

  @Field(() => Cpu)
  @Property({ type: 'json' })
  cpu!: Cpu;

  @Field(() => Float)
  @Property({ type: 'double' })
  memoryBytes!: number;

  @Field(() => [Disk])
  @Property({ type: 'json' })
  disks!: Disk[];

  @Field(() => [Gpu])
  @Property({ type: 'json' })
  gpus!: Gpu[];

  @Field(() => [NetworkInterface])
  @Property({ type: 'json' })
  network!: NetworkInterface[];

  @Field(() => Os)
  @Property({ type: 'json' })
  os!: Os;

  @Field()
  @Property({ type: 'timestamptz', length: 3 })
  takenAt!: Date;
}
