// Raw readings by week: a database from before partitions keeps its rows (as one partition), a
// week without a partition gets one when readings for it are stored, and several stores making
// the same week at once all succeed.
import { randomUUID } from 'node:crypto';
import { openDatabase } from '@switchyard/kit';
import { freshDatabase, sqlClient } from '@switchyard/testing';
import { entities, migrations } from '../entities.js';
import { readingPartitions, WEEK_MS, weekOf } from '../partitions.js';
import { insertReadings, prepareReadingPartitions } from '../readings.js';

const before = { ...migrations, names: migrations.names.filter((n) => n < 'Migration20261202600000') };

it('keeps the readings stored before partitioning as one partition up to a week boundary', async () => {
  const url = await freshDatabase('legacy-readings');
  const old = await openDatabase({ url, schema: 'sensors', entities, migrations: before });
  const sql = await sqlClient(url);
  try {
    const sensor = randomUUID();
    await sql.query(`insert into sensors.sites (id, code, name, kind) values ($1, 'S', 's', 'FACTORY')`, [sensor]);
    await sql.query(`insert into sensors.equipment (id, site_id, code, name) values ($1, $1, 'E', 'e')`, [sensor]);
    await sql.query(`insert into sensors.sensors (id, equipment_id, code, kind, unit) values ($1, $1, 'T', 't', 'C')`, [
      sensor,
    ]);
    await sql.query(
      `insert into sensors.readings (sensor_id, at, value) values ($1, '2025-03-01T00:00:00Z', 1), ($1, now(), 2)`,
      [sensor],
    );
    await old.close();

    const orm = await openDatabase({ url, schema: 'sensors', entities, migrations });
    try {
      const em = orm.em.fork();
      const parts = await readingPartitions(em);
      expect(parts).toEqual([{ name: 'readings_legacy', from: null, to: new Date(weekOf(Date.now()) + WEEK_MS) }]);
      const stored = await sql.query('select value from sensors.readings where sensor_id = $1 order by at', [sensor]);
      expect(stored.rows).toEqual([{ value: 1 }, { value: 2 }]);

      // A week after the old rows gets its own partition; a reading inside them goes to the old one.
      const next = new Date(weekOf(Date.now()) + WEEK_MS + 3_600_000);
      const early = new Date('2025-03-02T00:00:00Z');
      await prepareReadingPartitions(em, [next, early]);
      const result = await orm.em.fork().transactional((tx) =>
        insertReadings(tx, [
          { sensorId: sensor, at: next, value: 3 },
          { sensorId: sensor, at: early, value: 4 },
        ]),
      );
      expect(result.stored).toHaveLength(2);
      const where = await sql.query(
        'select tableoid::regclass::text as part, value from sensors.readings where sensor_id = $1 order by at',
        [sensor],
      );
      const week = new Date(weekOf(next.getTime())).toISOString().slice(0, 10).replaceAll('-', '');
      expect(where.rows.map((r) => [r.part, r.value])).toEqual([
        ['sensors.readings_legacy', 1],
        ['sensors.readings_legacy', 4],
        ['sensors.readings_legacy', 2],
        [`sensors.readings_${week}`, 3],
      ]);
    } finally {
      await orm.close();
    }
  } finally {
    await sql.end();
  }
});

it('makes a missing week once, whoever asks for it at the same moment', async () => {
  const url = await freshDatabase('reading-weeks');
  const orms = await Promise.all([1, 2, 3].map(() => openDatabase({ url, schema: 'sensors', entities, migrations })));
  try {
    const week = Date.UTC(2024, 1, 5); // a Monday
    // Three stores at once, each on its own connection, none knowing the week yet.
    await Promise.all(orms.map((orm) => prepareReadingPartitions(orm.em.fork(), [week + 1000, week + 2 * 86_400_000])));
    const parts = (await readingPartitions(orms[0]!.em.fork())).filter((p) => p.from?.getTime() === week);
    expect(parts).toEqual([{ name: 'readings_20240205', from: new Date(week), to: new Date(week + WEEK_MS) }]);
  } finally {
    await Promise.all(orms.map((orm) => orm.close()));
  }
});
