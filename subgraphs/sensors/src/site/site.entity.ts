import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { connectionType } from '@switchyard/kit';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export const SiteKind = { FACTORY: 'FACTORY', VESSEL: 'VESSEL' } as const;
export type SiteKind = keyof typeof SiteKind;
registerEnumType(SiteKind, { name: 'SiteKind', description: 'A factory, or an FPSO vessel.' });

@ObjectType({ description: 'A factory or a vessel, with its equipment.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'sites' })
export class Site {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ description: 'Unique.' })
  @Property({ type: 'text', unique: 'sites_code_key' })
  code!: string;

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => SiteKind)
  @Enum({ items: Object.values(SiteKind) })
  kind!: SiteKind;

  @Field()
  @Property({ type: 'timestamptz', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

export const SiteConnection = connectionType(Site);
