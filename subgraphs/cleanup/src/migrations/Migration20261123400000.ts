import { Migration } from '@mikro-orm/migrations';

export class Migration20261123400000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table runs (
      id uuid primary key,
      job text not null,
      trigger text not null check (trigger in ('SCHEDULE', 'ADMIN')),
      started_at timestamptz(3) not null default now(),
      finished_at timestamptz(3),
      deleted jsonb not null default '{}',
      error text
    )`);
    this.addSql('create index runs_job_started_idx on runs (job, started_at desc)');
    this.addSql('create index runs_started_idx on runs (started_at desc)');
  }
}
