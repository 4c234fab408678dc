import { Migration } from '@mikro-orm/migrations';
import { freshDatabase, sqlClient } from '@switchyard/testing';
import { migrationsIn, openDatabase } from '../db.js';

class CreateThings extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table things (id int primary key)');
  }
}
class AddName extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table things add column name text');
  }
}
const first = { name: 'Migration20260101000000', class: CreateThings };
const second = { name: 'Migration20260102000000', class: AddName };
const loaded: string[] = [];
const list = (...ms: (typeof first)[]) =>
  migrationsIn(
    ms.map((m) => m.name),
    async (name) => {
      loaded.push(name);
      return { [name]: ms.find((m) => m.name === name)!.class };
    },
  );

describe('openDatabase', () => {
  it('applies each migration once: a new one on a database that has the others, nothing on one that has all', async () => {
    const url = await freshDatabase('migrations');
    const open = async (...migrations: (typeof first)[]) =>
      (await openDatabase({ url, schema: 'things', entities: [], migrations: list(...migrations) })).close(true);
    await open(first);
    await open(first, second);
    const loadsBefore = loaded.length;
    await open(first, second);
    // Nothing to apply: no migration class is loaded (nor the migrator).
    expect(loaded.length).toBe(loadsBefore);
    const sql = await sqlClient(url);
    try {
      const { rows } = await sql.query('select name from things.mikro_orm_migrations order by id');
      expect(rows.map((row) => row.name)).toEqual([first.name, second.name]);
      const columns = await sql.query(
        "select column_name from information_schema.columns where table_schema = 'things' and table_name = 'things' order by ordinal_position",
      );
      expect(columns.rows.map((row) => row.column_name)).toEqual(['id', 'name']);
    } finally {
      await sql.end();
    }
  });

  it('names the migration whose file does not export its class', async () => {
    const url = await freshDatabase('migrations');
    const broken = migrationsIn(['Migration20260103000000'], async () => ({ Other: CreateThings }));
    await expect(openDatabase({ url, schema: 'things', entities: [], migrations: broken })).rejects.toThrow(
      'migration Migration20260103000000 does not export a class named Migration20260103000000',
    );
  });
});
