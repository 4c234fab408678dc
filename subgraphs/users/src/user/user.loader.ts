import type { EntityManager } from '@mikro-orm/postgresql';
import { byIdLoader } from '@switchyard/kit';
import { User } from './user.entity.js';

export function createUserLoaders(em: EntityManager) {
  return { user: byIdLoader(em, User) };
}
