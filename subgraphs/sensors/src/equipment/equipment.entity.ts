import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { connectionType } from '@switchyard/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Site } from '../site/site.entity.js';

@ObjectType({ description: 'A machine on a site, carrying sensors.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'equipment' })
@Index({ name: 'equipment_site_idx', expression: 'create index equipment_site_idx on equipment (site_id, code)' })
export class Equipment {
  [OptionalProps]?: 'createdAt' | 'active' | 'location';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  // The site's id, with the foreign key the migration makes (mapToPk: the property stays the id).
  @ManyToOne(() => Site, {
    mapToPk: true,
    fieldName: 'site_id',
    foreignKeyName: 'equipment_site_id_fkey',
    deleteRule: 'cascade',
    updateRule: 'no action',
  })
  siteId!: string;

  @Field({ description: 'Unique.' })
  @Property({ type: 'text', unique: 'equipment_code_key' })
  code!: string;

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  location: string | null = null;

  @Field({ description: 'Deactivated equipment keeps its history and takes no new readings.' })
  @Property({ type: 'boolean', default: true })
  active: boolean = true;

  @Field()
  @Property({ type: 'timestamptz', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

export const EquipmentConnection = connectionType(Equipment);
