import { Migration } from '@mikro-orm/migrations';

export class Migration20261123330000 extends Migration {
  override async up(): Promise<void> {
    // One row per ingestReadings batch: claimed in the transaction that stores its readings, so a
    // batch sent again (a retry, a platform that resends) gets its first report and stores nothing.
    this.addSql(`create table reading_batches (
      batch_id text primary key,
      payload_hash text not null,
      report jsonb,
      created_at timestamptz(3) not null default now()
    )`);
  }
}
