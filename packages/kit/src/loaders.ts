import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { isUuid } from './validation.js';

/**
 * Loads entities by uuid primary key, one statement per batch. Ids that are not uuids load as
 * null (they never reach Postgres, so one bad id cannot fail the batch); case does not matter.
 */
export function byIdLoader<T extends { id: string }>(
  em: EntityManager,
  entity: new () => T,
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const wanted = ids.map((id) => (isUuid(id) ? id.toLowerCase() : null));
    const valid = wanted.filter((id): id is string => id !== null);
    const rows = valid.length ? await em.find(entity, { id: { $in: valid } } as never) : [];
    const found = new Map(rows.map((row) => [row.id, row]));
    return wanted.map((id) => (id ? (found.get(id) ?? null) : null));
  });
}
