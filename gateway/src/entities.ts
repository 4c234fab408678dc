import type { GraphQLDataSource } from '@apollo/gateway';

export type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/**
 * The distinct representations of an `_entities` fetch, and for each original position the index
 * of its distinct one (`slots`); undefined when every representation is already distinct. Query
 * plans repeat entities a lot (every review of one product names that product), and the
 * executor builds each representation with its fields in the plan's order, so equal entities
 * serialise equally.
 */
export function distinctRepresentations(
  representations: unknown[],
): { distinct: unknown[]; slots: number[] } | undefined {
  const seen = new Map<string, number>();
  const distinct: unknown[] = [];
  const slots = new Array<number>(representations.length);
  for (let i = 0; i < representations.length; i++) {
    const key = JSON.stringify(representations[i]);
    let slot = seen.get(key);
    if (slot === undefined) {
      slot = distinct.push(representations[i]) - 1;
      seen.set(key, slot);
    }
    slots[i] = slot;
  }
  return distinct.length === representations.length ? undefined : { distinct, slots };
}

/** A deep copy of JSON data: each position gets its own objects, since the executor merges into them. */
function copy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copy) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = copy((value as Record<string, unknown>)[key]);
  return out as T;
}

/**
 * The answer to the distinct representations, spread back over every position that asked: the
 * first position of each gets the entity as received, later ones a copy; an error at
 * `_entities.<distinct>` is reported at every position that shares it.
 */
export function spreadEntities(response: SubgraphResponse, slots: number[]): SubgraphResponse {
  const received = response.data?._entities;
  const positions: number[][] = [];
  slots.forEach((slot, position) => (positions[slot] ??= []).push(position));
  const data =
    Array.isArray(received) && received.length === positions.length
      ? {
          ...response.data,
          _entities: slots.map((slot, i) => (positions[slot]![0] === i ? received[slot] : copy(received[slot]))),
        }
      : response.data;
  const errors = response.errors?.flatMap((error) => {
    const [root, slot, ...rest] = error.path ?? [];
    if (root !== '_entities' || typeof slot !== 'number' || !positions[slot]) return [error];
    return positions[slot].map((position) => ({ ...error, path: ['_entities', position, ...rest] }));
  });
  return { ...response, data, ...(errors && { errors }) };
}
