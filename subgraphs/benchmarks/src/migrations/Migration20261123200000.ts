import { Migration } from '@mikro-orm/migrations';

export class Migration20261123200000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table devices (
      id uuid primary key,
      machine_id text unique,
      hostname text not null,
      vendor text,
      model text,
      first_seen_at timestamptz(3) not null,
      last_seen_at timestamptz(3) not null,
      -- A device exists only with a benchmark, so it always has scores.
      best_score double precision not null,
      latest_score double precision not null,
      latest_benchmark_id uuid
    )`);
    // Devices without a machine id are found by hostname.
    this.addSql('create unique index devices_hostname_no_machine_idx on devices (hostname) where machine_id is null');
    this.addSql('create index devices_best_score_idx on devices (best_score desc, id desc)');
    this.addSql('create index devices_last_seen_idx on devices (last_seen_at desc, id desc)');
    this.addSql('create index devices_hostname_idx on devices (hostname, id)');

    this.addSql(`create table snapshots (
      id uuid primary key,
      device_id uuid not null references devices (id) on delete cascade,
      hash text not null,
      cpu jsonb not null,
      memory_bytes double precision not null,
      disks jsonb not null,
      gpus jsonb not null,
      network jsonb not null,
      os jsonb not null,
      taken_at timestamptz(3) not null
    )`);
    this.addSql('create index snapshots_device_taken_idx on snapshots (device_id, taken_at desc, id desc)');

    this.addSql(`create table benchmarks (
      id uuid primary key,
      device_id uuid not null references devices (id) on delete cascade,
      snapshot_id uuid not null references snapshots (id),
      cpu double precision check (cpu between 0 and 100),
      mem double precision check (mem between 0 and 100),
      disk double precision check (disk between 0 and 100),
      net double precision check (net between 0 and 100),
      gpu double precision check (gpu between 0 and 100),
      global_score double precision not null,
      missing text[] not null,
      ran_at timestamptz(3) not null,
      raw jsonb,
      created_at timestamptz(3) not null default now()
    )`);
    this.addSql('create index benchmarks_device_ran_idx on benchmarks (device_id, ran_at desc, id desc)');

    this.addSql(`create table links (
      id uuid primary key,
      device_id uuid not null references devices (id) on delete cascade,
      label text not null,
      url text not null,
      created_at timestamptz(3) not null default now()
    )`);
    this.addSql('create index links_device_idx on links (device_id, created_at)');

    this.addSql(`create table documents (
      id uuid primary key,
      device_id uuid not null references devices (id) on delete cascade,
      filename text not null,
      content_type text not null,
      size double precision not null,
      sha256 text not null,
      created_at timestamptz(3) not null default now()
    )`);
    this.addSql('create index documents_device_idx on documents (device_id, created_at)');

    this.addSql(`create table uploads (
      token_hash text primary key,
      device_id uuid not null references devices (id) on delete cascade,
      filename text not null,
      content_type text not null,
      size double precision not null,
      expires_at timestamptz(3) not null,
      used_at timestamptz(3)
    )`);
  }
}
