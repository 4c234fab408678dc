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

export function decodeCursor(cursor: string | null | undefined, arity: number): Array<string | number> | null {
  if (cursor == null) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(key) && key.length === arity) return key as Array<string | number>;
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError('after', 'is not a cursor from this list');
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
