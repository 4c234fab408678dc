import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { SubgraphContext } from './subgraph.js';
import { isUuid } from './validation.js';

/**
 * Gives a request's context its DataLoaders (`ctx.loaders`), made on first use over the context's
 * entity manager, and made again once `fresh()` gave it a new one: one set per request, or per
 * event of a subscription, and none for a subscription that only waits.
 */
export function withLoaders<C extends SubgraphContext, L>(ctx: C, make: (em: EntityManager) => L): C & { loaders: L } {
  let made: { for: EntityManager; loaders: L } | undefined;
  return Object.defineProperty(ctx, 'loaders', {
    get: () => {
      if (made?.for !== ctx.em) made = { for: ctx.em, loaders: make(ctx.em) };
      return made.loaders;
    },
    enumerable: true,
  }) as C & { loaders: L };
}

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

/**
 * A field with arguments, batched across its parents: parents asking with the same arguments
 * (as all do under one field of one query) are loaded in one call of `load`.
 */
export function withArgsLoader<A, V>(
  load: (args: A, ids: string[]) => Promise<Map<string, V>>,
  missing: V,
): DataLoader<{ id: string; args: A }, V, string> {
  const keyOf = (key: { id: string; args: A }) => `${JSON.stringify(key.args)}|${key.id}`;
  return new DataLoader(
    async (keys) => {
      const groups = new Map<string, { args: A; ids: string[] }>();
      for (const key of keys) {
        const group = JSON.stringify(key.args);
        if (!groups.has(group)) groups.set(group, { args: key.args, ids: [] });
        groups.get(group)!.ids.push(key.id);
      }
      const results = new Map<string, V>();
      for (const [group, { args, ids }] of groups) {
        const found = await load(args, ids);
        for (const id of ids) results.set(`${group}|${id}`, found.get(id) ?? missing);
      }
      return keys.map((key) => results.get(keyOf(key))!);
    },
    { cacheKeyFn: keyOf },
  );
}
