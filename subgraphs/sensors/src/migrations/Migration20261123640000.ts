import { Migration } from '@mikro-orm/migrations';

export class Migration20261123640000 extends Migration {
  override async up(): Promise<void> {
    // Views for BI tools, by code rather than id: grant SELECT on them (and USAGE on the schema)
    // to a read-only role of your own; nothing else of the schema needs to be visible.
    this.addSql(`create view bi_readings_hourly as
      select si.code as site_code, e.code as equipment_code, s.code as sensor_code, s.kind, s.unit,
        r.bucket_start as hour, r.count, r.sum / r.count as avg, r.min, r.max
      from rollups r join sensors s on s.id = r.sensor_id join equipment e on e.id = s.equipment_id
        join sites si on si.id = e.site_id
      where r.width = '1h'`);
    this.addSql(`create view bi_sensor_alerts as
      select si.code as site_code, e.code as equipment_code, s.code as sensor_code, a.at, a.value, a.kind,
        a.normal_min, a.normal_max
      from alerts a join sensors s on s.id = a.sensor_id join equipment e on e.id = s.equipment_id
        join sites si on si.id = e.site_id`);
    this.addSql(`create view bi_analytics as
      select si.code as site_code, e.code as equipment_code, a.kind, a.model, a.at, a.value
      from analytics a join equipment e on e.id = a.equipment_id join sites si on si.id = e.site_id`);
  }
}
