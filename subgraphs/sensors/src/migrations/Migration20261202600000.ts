import { Migration } from '@mikro-orm/migrations';

export class Migration20261202600000 extends Migration {
  override async up(): Promise<void> {
    // Raw readings by week (see partitions.ts): retention drops a week whole. The key stays
    // (sensor, instant); the foreign key to sensors goes, since every stored row would pay a lookup
    // in it and sensors are never deleted (ingestion checks each reading's sensor itself). The BRIN
    // index served row-by-row retention, which partitions replace.
    this.addSql('alter table readings rename to readings_legacy');
    this.addSql('alter table readings_legacy rename constraint readings_pkey to readings_legacy_pkey');
    this.addSql('alter table readings_legacy drop constraint readings_sensor_id_fkey');
    this.addSql('drop index readings_at_brin');
    this.addSql(`create table readings (
      sensor_id uuid not null,
      at timestamptz(3) not null,
      value double precision not null,
      primary key (sensor_id, at)
    ) partition by range (at)`);
    // Rows stored before stay where they are: the old table becomes the partition of everything up
    // to the end of this week (or of its newest reading's), dropped whole once all of it is past
    // retention. (168 hours, not 7 days: days follow the session's time zone across a clock change.)
    this.addSql(`do $$
      declare upto timestamptz;
      begin
        if exists (select 1 from readings_legacy) then
          select date_bin('7 days', greatest(max(at), now()), timestamptz '1970-01-05 00:00:00+00') + interval '168 hours'
            into upto from readings_legacy;
          execute format('alter table readings attach partition readings_legacy for values from (minvalue) to (%L)', upto);
        else
          drop table readings_legacy;
        end if;
      end $$`);
  }
}
