import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A sensor on a piece of equipment, and the range its values normally stay in.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'sensors' })
export class Sensor {
  [OptionalProps]?: 'createdAt' | 'normalMin' | 'normalMax';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  equipmentId!: string;

  @Field({ description: 'Unique; the sensor platform names readings by it.' })
  @Property({ type: 'text', unique: true })
  code!: string;

  @Field({ description: 'What it measures: temperature, pressure, vibration...' })
  @Property({ type: 'text' })
  kind!: string;

  @Field()
  @Property({ type: 'text' })
  unit!: string;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  normalMin: number | null = null;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  normalMax: number | null = null;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
