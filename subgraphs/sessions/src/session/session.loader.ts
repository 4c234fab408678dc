import type { EntityManager } from '@mikro-orm/postgresql';
import { byIdLoader, type Page } from '@switchyard/kit';
import DataLoader from 'dataloader';
import { Session } from './session.entity.js';
import { findSessionsOfUsers, type SessionQuery } from './session.query.js';

export function createSessionLoaders(em: EntityManager) {
  const pages = new Map<string, DataLoader<string, Page<Session>>>();
  return {
    session: byIdLoader(em, Session),
    /** User.sessions: one loader per distinct query, batching the users that ask it. */
    sessionsOfUser(query: SessionQuery) {
      const key = JSON.stringify(query);
      let loader = pages.get(key);
      if (!loader) {
        loader = new DataLoader(async (userIds) => {
          const found = await findSessionsOfUsers(em, userIds, query);
          return userIds.map((id) => found.get(id)!);
        });
        pages.set(key, loader);
      }
      return loader;
    },
  };
}
