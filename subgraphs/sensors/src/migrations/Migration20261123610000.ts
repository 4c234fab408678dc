import { Migration } from '@mikro-orm/migrations';

export class Migration20261123610000 extends Migration {
  override async up(): Promise<void> {
    // Per sensor, per minute and per hour: count, sum, min and max of the readings stored, kept
    // up to date by the statement that stores them. Series read these, never the raw readings,
    // and they outlive the readings' retention.
    this.addSql(`create table rollups (
      sensor_id uuid not null references sensors (id) on delete cascade,
      width text not null check (width in ('1m', '1h')),
      bucket_start timestamptz(3) not null,
      count bigint not null,
      sum double precision not null,
      min double precision not null,
      max double precision not null,
      primary key (sensor_id, width, bucket_start)
    )`);
  }
}
