// Issue 12: entities and migrations describe one schema. MikroORM's schema diff over the migrated
// database must be empty; when it is not, this prints the SQL that would reconcile them.
import { entityDrift } from '@switchyard/testing';
import { entities, migrations } from '../entities.js';

it('the entities match the migrated schema (MikroORM finds nothing to change)', async () => {
  expect(await entityDrift({ schema: 'sessions', entities, migrations })).toBe('');
});
