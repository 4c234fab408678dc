import { Migration } from '@mikro-orm/migrations';

export class Migration20261123630000 extends Migration {
  override async up(): Promise<void> {
    // Results of the data-science system per equipment: one value per kind, model and instant;
    // a model that runs again over the same instants replaces its values.
    this.addSql(`create table analytics (
      equipment_id uuid not null references equipment (id) on delete cascade,
      kind text not null check (kind in ('ANOMALY_SCORE', 'FORECAST')),
      model text not null,
      at timestamptz(3) not null,
      value double precision not null,
      primary key (equipment_id, kind, at, model)
    )`);
  }
}
