import type { EntityManager } from '@mikro-orm/postgresql';
import { byIdLoader } from '@switchyard/kit';
import { Alert } from './alert.entity.js';

export function createAlertLoaders(em: EntityManager) {
  return { alert: byIdLoader(em, Alert) };
}
