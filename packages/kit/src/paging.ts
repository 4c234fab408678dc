import type { FilterQuery } from '@mikro-orm/core';
import { type ClassType, Directive, Field, ObjectType } from 'type-graphql';
import { BadUserInputError } from './errors.js';

// Every subgraph declares the same PageInfo, so federation must be told it is shared.
@ObjectType()
@Directive('@shareable')
export class PageInfo {
  @Field(() => String, { nullable: true })
  endCursor!: string | null;

  @Field()
  hasNextPage!: boolean;
}

export interface Page<T> {
  nodes: T[];
  pageInfo: PageInfo;
}

/** A `<Name>Connection { nodes pageInfo }` type for cursor paging. */
export function connectionType<T extends object>(node: ClassType<T>, name = node.name) {
  @ObjectType(`${name}Connection`)
  abstract class ConnectionType implements Page<T> {
    @Field(() => [node])
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

export const MAX_PAGE = 100;

export function pageSize(first: number | undefined | null, fallback = 20): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) {
    throw new BadUserInputError('first', `must be between 1 and ${MAX_PAGE}`);
  }
  return size;
}

/** Cursors are opaque to clients: the sort key of the last row, base64url-encoded. */
export function encodeCursor(key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export type KeyKind = 'date' | 'string' | 'number';
type KeyValue<K extends KeyKind> = K extends 'date' ? Date : K extends 'number' ? number : string;

/** Decodes a cursor whose key has the given kinds; anything else is BAD_USER_INPUT on `after`. */
export function decodeCursor<K extends KeyKind[]>(
  cursor: string | null | undefined,
  kinds: [...K],
): { [I in keyof K]: KeyValue<K[I]> } | null {
  if (cursor == null) return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    key = undefined;
  }
  const fits = (v: unknown, kind: KeyKind) =>
    kind === 'number'
      ? Number.isFinite(v)
      : typeof v === 'string' && (kind === 'string' || !Number.isNaN(Date.parse(v)));
  if (Array.isArray(key) && key.length === kinds.length && key.every((v, i) => fits(v, kinds[i]!))) {
    return key.map((v, i) => (kinds[i] === 'date' ? new Date(v as string) : v)) as { [I in keyof K]: KeyValue<K[I]> };
  }
  throw new BadUserInputError('after', 'is not a cursor from this list');
}

/**
 * The MikroORM filter for rows after `cursor` in a list ordered by one or two keys (the last
 * one unique), ascending or descending.
 */
export function keysetAfter<T>(
  cursor: string | null | undefined,
  keys: [string, KeyKind] | [[string, KeyKind], [string, KeyKind]],
  direction: 'asc' | 'desc',
): FilterQuery<T> {
  const op = direction === 'asc' ? '$gt' : '$lt';
  const pairs = (typeof keys[0] === 'string' ? [keys] : keys) as Array<[string, KeyKind]>;
  const values = decodeCursor(
    cursor,
    pairs.map(([, kind]) => kind),
  );
  if (!values) return {} as FilterQuery<T>;
  const [[first], second] = pairs as [[string, KeyKind], [string, KeyKind]?];
  if (!second) return { [first]: { [op]: values[0] } } as FilterQuery<T>;
  return {
    $or: [{ [first]: { [op]: values[0] } }, { [first]: values[0], [second[0]]: { [op]: values[1] } }],
  } as FilterQuery<T>;
}

/** Builds a page from `size + 1` fetched rows: the extra row only says whether more exist. */
export function toPage<T>(rows: T[], size: number, keyOf: (row: T) => ReadonlyArray<string | number>): Page<T> {
  const nodes = rows.slice(0, size);
  const last = nodes.at(-1);
  return {
    nodes,
    pageInfo: { endCursor: last ? encodeCursor(keyOf(last)) : null, hasNextPage: rows.length > size },
  };
}
