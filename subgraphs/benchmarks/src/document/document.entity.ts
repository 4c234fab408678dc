import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A PDF or image attached to a device; its bytes are stored once per SHA-256.' })
@Entity({ tableName: 'documents' })
export class Document {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
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
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** A one-time permission to PUT one document's bytes; the URL holds a token whose hash is the key. */
@Entity({ tableName: 'uploads' })
export class Upload {
  [OptionalProps]?: 'usedAt';

  @PrimaryKey({ type: 'text' })
  tokenHash!: string;

  @Property({ type: 'uuid' })
  deviceId!: string;

  @Property({ type: 'text' })
  filename!: string;

  @Property({ type: 'text' })
  contentType!: string;

  @Property({ type: 'double' })
  size!: number;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt: Date | null = null;
}
