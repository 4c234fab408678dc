import { Migration } from '@mikro-orm/migrations';

export class Migration20261123300000 extends Migration {
  override async up(): Promise<void> {
    // One row per collection round; its id (the interval number) is claimed by exactly one
    // collector, so replicas never collect the same round twice. Manual rounds get negative ids.
    this.addSql(`create table rounds (
      id bigint primary key,
      provider text not null,
      started_at timestamptz(3) not null default now(),
      finished_at timestamptz(3),
      tickers integer not null default 0,
      prices integer not null default 0,
      alerts integer not null default 0,
      error text
    )`);
    this.addSql('create sequence manual_rounds');
    this.addSql(`create table ticker_feeds (
      symbol text primary key,
      provider text not null,
      last_success_at timestamptz(3),
      last_price double precision,
      consecutive_failures integer not null default 0,
      last_error text,
      updated_at timestamptz(3) not null default now()
    )`);
    // Where each watch's price stood at the last round: alerts fire on crossings only.
    this.addSql(`create table watch_sides (
      user_id uuid not null,
      symbol text not null,
      side text not null check (side in ('HIGH', 'LOW', 'INSIDE')),
      -- the time of the price the side was judged on: an older price never overwrites it
      at timestamptz(3) not null,
      primary key (user_id, symbol)
    )`);
    this.addSql(`create table providers (
      name text primary key,
      circuit text not null check (circuit in ('CLOSED', 'OPEN', 'HALF_OPEN')),
      changed_at timestamptz(3) not null default now()
    )`);
  }
}
