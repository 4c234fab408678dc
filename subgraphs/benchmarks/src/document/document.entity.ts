import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { Device } from '../device/device.entity.js';

@ObjectType({ description: 'A PDF or image attached to a device; its bytes are stored once per SHA-256.' })
@Entity({ tableName: 'documents' })
@Index({ name: 'documents_device_idx', properties: ['deviceId', 'createdAt'] })
export class Document {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Device, {
    mapToPk: true,
    joinColumn: 'device_id',
    foreignKeyName: 'documents_device_id_fkey',
    deleteRule: 'cascade',
    updateRule: 'no action',
  })
  deviceId!: string;

  @Field()
  @Property({ type: 'text' })
  filename!: string;

  @Field({ description: 'As recognised from the bytes, not from the name.' })
  @Property({ type: 'text' })
  contentType!: string;

  @Field(() => Float)
  @Property({ type: 'double' })
  size!: number;

  @Field()
  @Property({ type: 'text' })
  sha256!: string;

  @Field()
  @Property({ type: 'timestamptz', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** A one-time permission to PUT one document's bytes; the URL holds a token whose hash is the key. */
@Entity({ tableName: 'uploads' })
export class Upload {
  [OptionalProps]?: 'usedAt';

  @PrimaryKey({ type: 'text' })
  tokenHash!: string;

  @ManyToOne(() => Device, {
    mapToPk: true,
    joinColumn: 'device_id',
    foreignKeyName: 'uploads_device_id_fkey',
    deleteRule: 'cascade',
    updateRule: 'no action',
  })
  deviceId!: string;

  @Property({ type: 'text' })
  filename!: string;

  @Property({ type: 'text' })
  contentType!: string;

  @Property({ type: 'double' })
  size!: number;

  @Property({ type: 'timestamptz', length: 3 })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', length: 3, nullable: true })
  usedAt: Date | null = null;
}
