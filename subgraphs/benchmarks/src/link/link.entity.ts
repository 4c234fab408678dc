import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: "A link to the manufacturer's page about a device (drivers, manuals...)." })
@Entity({ tableName: 'links' })
export class DeviceLink {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  deviceId!: string;

  @Field()
  @Property({ type: 'text' })
  label!: string;

  @Field()
  @Property({ type: 'text' })
  url!: string;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
