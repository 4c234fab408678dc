import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Alert } from './alert.entity.js';

export function createAlertLoaders(em: EntityManager) {
  return {
    alert: new DataLoader<string, Alert | null>(async (ids) => {
      const alerts = await em.find(Alert, { id: { $in: [...ids] } });
      const byId = new Map(alerts.map((a) => [a.id, a]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
