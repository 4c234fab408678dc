import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { printSdl } from '@switchyard/kit';

/** The SDL the code builds and the one committed in `<dir>/schema.graphql` (run `npm run compose`). */
export async function sdlPair(
  schema: Promise<GraphQLSchema>,
  dir: string,
): Promise<[built: string, committed: string]> {
  return [printSdl(await schema), await readFile(join(dir, 'schema.graphql'), 'utf8')];
}
