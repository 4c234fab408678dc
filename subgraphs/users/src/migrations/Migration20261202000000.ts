import { Migration } from '@mikro-orm/migrations';

export class Migration20261202000000 extends Migration {
  override async up(): Promise<void> {
    // Ed25519 keys as JWKs; the newest one not retired signs, every one not retired is published.
    this.addSql(`create table signing_keys (
      kid text primary key,
      private_jwk jsonb not null,
      public_jwk jsonb not null,
      created_at timestamptz(3) not null default now(),
      retired_at timestamptz(3)
    )`);
  }
}
