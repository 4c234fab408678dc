import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { Role } from '@switchyard/kit';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export const UserRole = { USER: 'USER', ADMIN: 'ADMIN' } as const;
registerEnumType(UserRole, { name: 'Role' });

@ObjectType({ description: 'A person who signs in. Email and watchlist are visible to the user and to admins.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'users' })
@Index({
  name: 'users_created_at_id_idx',
  expression: 'create index users_created_at_id_idx on users (created_at, id)',
})
export class User {
  [OptionalProps]?: 'role' | 'createdAt' | 'updatedAt' | 'sessionVersion';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: 'users_email_key' })
  email!: string;

  @Property({ type: 'text', lazy: true, hidden: true })
  passwordHash!: string;

  @Enum({ items: Object.values(UserRole), default: 'USER' })
  role: Role = 'USER';

  @Field()
  @Property({ type: 'timestamptz', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'integer' })
  sessionVersion: number = 0;
}
