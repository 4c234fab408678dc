// A whole tree of sites resolved in a number of SQL statements that does not grow with the tree.
import { metricOf } from '@switchyard/testing';
import { upsertResults } from '../analytics.js';
import { newReadings, useSensors } from './alone.js';
import { type Catalogue, createCatalogue, seriesReadings } from './fixtures.js';

const sensors = useSensors();

/** Readings (in 2026-01) and anomaly scores (in 2026-11) for every sensor and equipment of `made`. */
async function history(made: Catalogue) {
  for (const code of Object.keys(made.sensors)) await sensors.store(newReadings(made.sensors, seriesReadings(code)));
  await upsertResults(
    sensors.orm.em.fork(),
    Object.values(made.equipment).map((equipmentId) => ({
      equipmentId,
      kind: 'ANOMALY_SCORE' as const,
      model: 'm',
      at: new Date('2026-11-01T08:00:00Z'),
      value: 0.5,
    })),
  );
}

it('resolves sites down to each sensor’s latest reading, readings, series and analytics in a bounded number of statements', async () => {
  const { admin, alone } = sensors;
  const statementsSoFar = () => metricOf(alone.url, 'db_queries_total');
  const TREE = `{ sites { nodes { code equipment { nodes { code
    analytics(kind: ANOMALY_SCORE, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { value }
    sensors { nodes { code latest { value } readings(first: 2) { nodes { value } }
      series(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", bucket: "1d") { count } } } } } } } }`;
  await history(await createCatalogue(admin, 'FEW', { 'FEW-E': ['FEW-S0', 'FEW-S1'] }));
  await admin.data(TREE);
  const before = await statementsSoFar();
  const few = await admin.data(TREE);
  const statements = (await statementsSoFar()) - before;
  expect(few.sites.nodes[0].equipment.nodes[0].sensors.nodes[0]).toMatchObject({
    latest: { value: -17 },
    series: [{ count: 18 }],
  });

  const more = await createCatalogue(
    admin,
    'MORE',
    Object.fromEntries([0, 1, 2].map((e) => [`MORE-E${e}`, [0, 1, 2].map((s) => `MORE-E${e}-S${s}`)])),
  );
  await history(more);
  const start = await statementsSoFar();
  const many = await admin.data(TREE);
  expect((await statementsSoFar()) - start).toBe(statements);
  expect(many.sites.nodes.map((s: { equipment: { nodes: unknown[] } }) => s.equipment.nodes.length)).toEqual([1, 3]);
});
