import { Migration } from '@mikro-orm/migrations';

export class Migration20261123310000 extends Migration {
  override async up(): Promise<void> {
    // One row per alert, written in the transaction that stores the alert: no alert without its
    // mail, whatever crashes when. The mailer takes due rows with FOR UPDATE SKIP LOCKED, so
    // several workers never take the same row, and marks them SENT in the same transaction.
    this.addSql(`create table outbox (
      alert_id uuid primary key,
      user_id uuid not null,
      symbol text not null,
      kind text not null,
      price double precision not null,
      threshold double precision not null,
      triggered_at timestamptz(3) not null,
      status text not null default 'PENDING' check (status in ('PENDING', 'SENT', 'DEAD')),
      attempts integer not null default 0,
      next_attempt_at timestamptz(3) not null default now(),
      sent_at timestamptz(3),
      last_error text
    )`);
    this.addSql(`create index outbox_due_idx on outbox (next_attempt_at) where status = 'PENDING'`);
  }
}
