import { z } from '@switchyard/kit';
import { Field, InputType, ObjectType } from 'type-graphql';
import { UserRole, User } from './user.entity.js';
import type { Role } from '@switchyard/kit';

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('must be a valid email address').max(254, 'must be at most 254 characters'));
export const password = z.string().min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters');

export const Credentials = z.object({ email, password });
export const UpdateUser = z.object({ email: email.optional(), role: z.enum(['USER', 'ADMIN']).optional() });
export const PasswordChange = z.object({ currentPassword: z.string(), newPassword: password });

@InputType()
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  email?: string;

  @Field(() => UserRole, { nullable: true, description: 'Only an admin may change a role.' })
  role?: Role;
}

@ObjectType({ description: 'A signed-in session: a short-lived bearer token and its user.' })
export class AuthPayload {
  @Field()
  token!: string;

  @Field()
  expiresAt!: Date;

  @Field(() => User)
  user!: User;
}
