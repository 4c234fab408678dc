import { Entity, JsonType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { JWK } from 'jose';
import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A key users signs tokens with; its public half is published at /.well-known/jwks.json.' })
@Entity({ tableName: 'signing_keys' })
export class SigningKey {
  [OptionalProps]?: 'createdAt' | 'retiredAt';

  /** The public key's thumbprint (RFC 7638), the `kid` of every token it signed. */
  @Field()
  @PrimaryKey({ type: 'text' })
  kid!: string;

  @Property({ type: JsonType, hidden: true, lazy: true })
  privateJwk!: JWK;

  @Property({ type: JsonType })
  publicJwk!: JWK;

  @Field()
  @Property({ type: 'timestamptz', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  /** No longer published: tokens it signed are refused. */
  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', length: 3, nullable: true })
  retiredAt: Date | null = null;
}
