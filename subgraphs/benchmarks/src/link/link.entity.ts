import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Device } from '../device/device.entity.js';

@ObjectType({ description: "A link to the manufacturer's page about a device (drivers, manuals...)." })
@Entity({ tableName: 'links' })
@Index({ name: 'links_device_idx', properties: ['deviceId', 'createdAt'] })
export class DeviceLink {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Device, {
    mapToPk: true,
    joinColumn: 'device_id',
    foreignKeyName: 'links_device_id_fkey',
    deleteRule: 'cascade',
    updateRule: 'no action',
  })
  deviceId!: string;

  @Field()
  @Property({ type: 'text' })
  label!: string;

  @Field()
  @Property({ type: 'text' })
  url!: string;

  @Field()
  @Property({ type: 'timestamptz', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
