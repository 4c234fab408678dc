import { Migration } from '@mikro-orm/migrations';
import { freshDatabase, sqlClient } from '@switchyard/testing';
import { openDatabase } from '../db.js';

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

describe('openDatabase', () => {
  it('applies each migration once: a new one on a database that has the others, nothing on one that has all', async () => {
    const url = await freshDatabase('migrations');
    const open = async (migrations: (typeof first)[]) =>
      (await openDatabase({ url, schema: 'things', entities: [], migrations })).close(true);
    await open([first]);
    await open([first, second]);
    await open([first, second]);
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
});
