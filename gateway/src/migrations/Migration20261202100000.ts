import { Migration } from '@mikro-orm/migrations';

export class Migration20261202100000 extends Migration {
  override async up(): Promise<void> {
    // Secrets the gateway's replicas share and keep across restarts and key rotations (the one
    // that seals idempotent responses), made by whichever replica starts first.
    this.addSql(`create table secrets (
      name text primary key,
      value text not null,
      created_at timestamptz(3) not null default now()
    )`);
  }
}
