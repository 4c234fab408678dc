// Analytics results of the data-science system, as ingestion writes them (a model's result for an
// instant replaced when it runs again), served per equipment by kind and range, oldest first.
import { equipmentByCode, type NewResult, upsertResults } from '../analytics.js';
import { useSensors } from './alone.js';
import { ANOMALY_SCORES, at, createCatalogue } from './fixtures.js';

const sensors = useSensors();

it('keeps one result per model and instant, and serves them per equipment by kind and range', async () => {
  const { admin } = sensors;
  const { siteId } = await createCatalogue(admin, 'DS-1', { 'DS-1-E': [] });
  const em = sensors.orm.em.fork();
  const known = await equipmentByCode(em, ['DS-1-E', 'NOPE']);
  expect([...known.keys()]).toEqual(['DS-1-E']);
  const result = (minute: number, value: number, extra: Partial<NewResult> = {}): NewResult => ({
    equipmentId: known.get('DS-1-E')!,
    kind: 'ANOMALY_SCORE',
    model: 'iforest-v2',
    at: new Date(at(minute)),
    value,
    ...extra,
  });
  expect(await upsertResults(em, [result(0, 0.1), result(1, 0.9)])).toEqual({ inserted: 2, replaced: 0 });
  // The model runs again over one instant: its value is replaced, not doubled.
  expect(await upsertResults(em, [result(1, 0.7), result(2, 0.3)])).toEqual({ inserted: 1, replaced: 1 });
  // Another kind, and a day outside the range asked for, are not served with these.
  await upsertResults(em, [result(1, 42, { kind: 'FORECAST' }), result(24 * 60, 0.5)]);

  const { site } = await (await sensors.user()).data(ANOMALY_SCORES, { s: siteId });
  expect(site.equipment.nodes[0].analytics).toEqual([
    { at: at(0), value: 0.1, model: 'iforest-v2' },
    { at: at(1), value: 0.7, model: 'iforest-v2' },
    { at: at(2), value: 0.3, model: 'iforest-v2' },
  ]);
});
