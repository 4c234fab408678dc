import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { connectionType } from '@switchyard/kit';
import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import { Equipment } from '../equipment/equipment.entity.js';

@ObjectType({ description: 'A sensor on a piece of equipment, and the range its values normally stay in.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'sensors' })
@Index({
  name: 'sensors_equipment_idx',
  expression: 'create index sensors_equipment_idx on sensors (equipment_id, code)',
})
export class Sensor {
  [OptionalProps]?: 'createdAt' | 'normalMin' | 'normalMax';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  // The equipment's id, with the foreign key the migration makes (mapToPk: the property stays the id).
  @ManyToOne(() => Equipment, {
    mapToPk: true,
    fieldName: 'equipment_id',
    foreignKeyName: 'sensors_equipment_id_fkey',
    deleteRule: 'cascade',
    updateRule: 'no action',
  })
  equipmentId!: string;

  @Field({ description: 'Unique; the sensor platform names readings by it.' })
  @Property({ type: 'text', unique: 'sensors_code_key' })
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
  @Property({ type: 'timestamptz', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

export const SensorConnection = connectionType(Sensor);
