import { Migration } from '@mikro-orm/migrations';

export class Migration20261123500000 extends Migration {
  override async up(): Promise<void> {
    // One row per (caller, Idempotency-Key): claimed by inserting it (the primary key decides
    // who runs the mutation), then DONE with the response a retry gets back.
    this.addSql(`create table idempotency_keys (
      caller text not null,
      key text not null,
      request_hash text not null,
      status text not null default 'RUNNING' check (status in ('RUNNING', 'DONE')),
      response jsonb,
      created_at timestamptz(3) not null default now(),
      expires_at timestamptz(3) not null,
      primary key (caller, key)
    )`);
    this.addSql(`create index idempotency_keys_expiry_idx on idempotency_keys (expires_at)`);
  }
}
