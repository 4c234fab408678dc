import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { Role } from '@switchyard/kit';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export const UserRole = { USER: 'USER', ADMIN: 'ADMIN' } as const;
registerEnumType(UserRole, { name: 'Role' });

@ObjectType({ description: 'A person who signs in. Email and watchlist are visible to the user and to admins.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'users' })
export class User {
  [OptionalProps]?: 'role' | 'createdAt' | 'updatedAt' | 'sessionVersion';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  email!: string;

  @Property({ type: 'text', lazy: true, hidden: true })
  passwordHash!: string;

  @Property({ type: 'text' })
  role: Role = 'USER';

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'integer' })
  sessionVersion: number = 0;
}
