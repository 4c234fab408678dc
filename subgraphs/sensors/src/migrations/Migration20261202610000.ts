import { Migration } from '@mikro-orm/migrations';

export class Migration20261202610000 extends Migration {
  override async up(): Promise<void> {
    // A series reads one sensor's rollups of one width over a range: rows written an hour (or a
    // minute) apart with every other sensor's in between, so one heap page per bucket. With the
    // aggregates in the key's index, it is read from the index alone.
    this.addSql(`alter table rollups drop constraint rollups_pkey,
      add constraint rollups_pkey primary key (sensor_id, width, bucket_start) include (count, sum, min, max)`);
  }
}
