// What the kit's database tests share: a MikroORM on a database of their own, with no entities
// and no migrations (their tables are the tests' own).
import { migrationsIn, openDatabase, type Orm } from '../db.js';

export function openBareDatabase(url: string): Promise<Orm> {
  return openDatabase({ url, schema: 'public', entities: [], migrations: migrationsIn([], async () => ({})) });
}
