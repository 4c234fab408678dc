import { Migration } from '@mikro-orm/migrations';

export class Migration20261123600000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table sites (
      id uuid primary key,
      code text not null unique,
      name text not null,
      kind text not null check (kind in ('FACTORY', 'VESSEL')),
      created_at timestamptz(3) not null default now()
    )`);
    this.addSql(`create table equipment (
      id uuid primary key,
      site_id uuid not null references sites (id) on delete cascade,
      code text not null unique,
      name text not null,
      location text,
      active boolean not null default true,
      created_at timestamptz(3) not null default now()
    )`);
    this.addSql(`create index equipment_site_idx on equipment (site_id, code)`);
    this.addSql(`create table sensors (
      id uuid primary key,
      equipment_id uuid not null references equipment (id) on delete cascade,
      code text not null unique,
      kind text not null,
      unit text not null,
      normal_min double precision,
      normal_max double precision,
      created_at timestamptz(3) not null default now()
    )`);
    this.addSql(`create index sensors_equipment_idx on sensors (equipment_id, code)`);
    // One value per sensor and instant: a reading sent twice is the same reading. Reads are a
    // sensor's range, newest first, so the key is also the only index.
    this.addSql(`create table readings (
      sensor_id uuid not null references sensors (id) on delete cascade,
      at timestamptz(3) not null,
      value double precision not null,
      primary key (sensor_id, at)
    )`);
  }
}
