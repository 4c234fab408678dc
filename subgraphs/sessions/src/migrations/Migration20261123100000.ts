import { Migration } from '@mikro-orm/migrations';

export class Migration20261123100000 extends Migration {
  override async up(): Promise<void> {
    // user_id points at users.users without a foreign key: each subgraph owns its schema and
    // migrates on its own, in any order.
    this.addSql(`create table sessions (
      id uuid primary key,
      user_id uuid not null,
      activity text not null check (activity in ('RUN', 'RIDE', 'SWIM', 'WALK', 'ROW', 'STRENGTH', 'OTHER')),
      started_at timestamptz(3) not null,
      duration_sec integer not null check (duration_sec > 0 and duration_sec <= 172800),
      distance_m double precision check (distance_m >= 0),
      calories double precision check (calories >= 0),
      avg_heart_rate integer check (avg_heart_rate between 25 and 250),
      notes text,
      created_at timestamptz(3) not null default now()
    )`);
    // Time-range design: nearly every read is "one user's sessions within [from, to)" (lists,
    // User.sessions, every statistic), so the main index leads with user_id and then started_at;
    // a user's rows for a range are one contiguous index range, newest first, whatever the table
    // size. id breaks ties for keyset paging. Admin listings across users ordered by time use
    // the second index; duration orderings the last two. Partitioning by time was considered and left out: retention does not
    // drop old sessions, and per-user ranges are already index ranges; at hundreds of millions
    // of rows, hash partitions on user_id would be the next step.
    this.addSql('create index sessions_user_started_idx on sessions (user_id, started_at desc, id desc)');
    this.addSql('create index sessions_started_idx on sessions (started_at desc, id desc)');
    // Ordering by duration, within one user or across all.
    this.addSql('create index sessions_user_duration_idx on sessions (user_id, duration_sec desc, id desc)');
    this.addSql('create index sessions_duration_idx on sessions (duration_sec desc, id desc)');
  }
}
