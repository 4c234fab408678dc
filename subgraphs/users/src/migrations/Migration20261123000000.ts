import { Migration } from '@mikro-orm/migrations';

export class Migration20261123000000 extends Migration {
  override async up(): Promise<void> {
    // Timestamps keep milliseconds, as JavaScript dates do, so keyset cursors made from them
    // compare exactly with the stored values.
    this.addSql(`create table users (
      id uuid primary key,
      email text not null unique,
      password_hash text not null,
      role text not null default 'USER' check (role in ('USER', 'ADMIN')),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      -- Sign-in tokens carry the version they were issued under; a password change bumps it.
      session_version integer not null default 0
    )`);
    // Keyset paging of users(first, after) walks this index.
    this.addSql('create index users_created_at_id_idx on users (created_at, id)');

    this.addSql(`create table tickers (
      symbol text primary key,
      created_at timestamptz(3) not null default now()
    )`);

    this.addSql(`create table watches (
      user_id uuid not null references users (id) on delete cascade,
      symbol text not null references tickers (symbol),
      high double precision not null check (high >= 0),
      low double precision not null check (low >= 0),
      created_at timestamptz(3) not null default now(),
      primary key (user_id, symbol),
      check (high > low)
    )`);
    // Followers are counted per symbol, and the collector asks which symbols are followed.
    this.addSql('create index watches_symbol_idx on watches (symbol)');

    // Primary key (symbol, at) serves both "latest price" (backwards scan) and time ranges.
    this.addSql(`create table prices (
      symbol text not null references tickers (symbol) on delete cascade,
      at timestamptz(3) not null,
      price double precision not null,
      primary key (symbol, at)
    )`);
    // Retention deletes by age across all symbols.
    this.addSql('create index prices_at_idx on prices (at)');

    this.addSql(`create table alerts (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      symbol text not null,
      kind text not null check (kind in ('HIGH', 'LOW')),
      price double precision not null,
      threshold double precision not null,
      triggered_at timestamptz(3) not null default now(),
      emailed_at timestamptz(3)
    )`);
    this.addSql('create index alerts_user_triggered_idx on alerts (user_id, triggered_at desc, id desc)');
    this.addSql('create index alerts_triggered_idx on alerts (triggered_at desc, id desc)');

    this.addSql(`create table api_tokens (
      id uuid primary key,
      name text not null,
      scopes text[] not null,
      token_hash text not null,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz(3) not null default now(),
      revoked_at timestamptz(3)
    )`);
  }
}
