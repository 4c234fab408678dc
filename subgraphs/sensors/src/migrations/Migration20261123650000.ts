import { Migration } from '@mikro-orm/migrations';

export class Migration20261123650000 extends Migration {
  override async up(): Promise<void> {
    // How far back raw readings are kept: a reading older than that is refused, since its
    // rollups may already hold it and storing it again would count it twice.
    this.addSql(`create table kept_since (
      only_row boolean primary key default true check (only_row),
      readings_from timestamptz(3) not null
    )`);
    // Retention deletes by time; readings arrive roughly in time order, so a BRIN index is enough.
    this.addSql(`create index readings_at_brin on readings using brin (at)`);
  }
}
