import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Watch } from './watch.entity.js';

export function createWatchLoaders(em: EntityManager) {
  return {
    watchlist: new DataLoader<string, Watch[]>(async (userIds) => {
      const watches = await em.find(Watch, { user: { $in: [...userIds] } }, { orderBy: { ticker: 'asc' } });
      const byUser = new Map<string, Watch[]>();
      for (const w of watches) {
        const list = byUser.get(w.user.id) ?? [];
        list.push(w);
        byUser.set(w.user.id, list);
      }
      return userIds.map((id) => byUser.get(id) ?? []);
    }),
  };
}
