import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { type DatabaseOptions, openDatabase, printSdl } from '@switchyard/kit';
import { freshDatabase } from './database.js';

/** The SDL the code builds and the one committed in `<dir>/schema.graphql` (run `npm run compose`). */
export async function sdlPair(
  schema: Promise<GraphQLSchema>,
  dir: string,
): Promise<[built: string, committed: string]> {
  return [printSdl(await schema), await readFile(join(dir, 'schema.graphql'), 'utf8')];
}

/**
 * What MikroORM would change to make the migrated database match the entities: the SQL of its
 * schema diff over a fresh database after `migrations` (tables no entity maps are left alone).
 * Empty when entities and migrations agree.
 */
export async function entityDrift(options: {
  schema: string;
  entities: DatabaseOptions['entities'];
  migrations: DatabaseOptions['migrations'];
}): Promise<string> {
  const orm = await openDatabase({ url: await freshDatabase(`drift_${options.schema}`), ...options });
  try {
    const sql = await orm
      .getSchemaGenerator()
      .getUpdateSchemaSQL({ wrap: false, dropTables: false, schema: options.schema });
    return sql.trim();
  } finally {
    await orm.close();
  }
}
