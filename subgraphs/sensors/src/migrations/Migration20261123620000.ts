import { Migration } from '@mikro-orm/migrations';

export class Migration20261123620000 extends Migration {
  override async up(): Promise<void> {
    // A stored reading outside its sensor's normal range, with the range as it was then; written
    // by the statement that stores the reading, so neither exists without the other.
    this.addSql(`create table alerts (
      sensor_id uuid not null references sensors (id) on delete cascade,
      at timestamptz(3) not null,
      value double precision not null,
      kind text not null check (kind in ('HIGH', 'LOW')),
      normal_min double precision,
      normal_max double precision,
      primary key (sensor_id, at)
    )`);
    this.addSql(`create index alerts_at_idx on alerts (at desc, sensor_id)`);
  }
}
