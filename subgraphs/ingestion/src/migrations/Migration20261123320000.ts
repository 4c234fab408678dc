import { Migration } from '@mikro-orm/migrations';

export class Migration20261123320000 extends Migration {
  override async up(): Promise<void> {
    // Failed calls in a row, counted by every replica together: rounds go to whichever replica
    // claims them, so a per-process count would open the circuit after failures × replicas.
    this.addSql(`alter table providers add column failures integer not null default 0`);
  }
}
