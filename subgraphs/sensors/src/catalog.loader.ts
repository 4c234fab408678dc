import type { EntityManager } from '@mikro-orm/postgresql';
import { type Page, type Statement, statement, toPage, withArgsLoader } from '@switchyard/kit';
import type { CodePage } from './catalog.inputs.js';
import { Equipment } from './equipment/equipment.entity.js';
import { Sensor } from './sensor/sensor.entity.js';

type ChildPageParams = { parentIds: string[]; afterCode: string | null; limit: number };

// The table and its parent column are literals of the fixed text (composed once, here), not parameters.
const pagesByCode = (name: string, table: string, parentColumn: string) =>
  statement<ChildPageParams>(
    `/* ${name} */ select c.* from unnest(:parentIds::uuid[]) as p(id) cross join lateral (
       select * from sensors.${table} where ${parentColumn} = p.id and (:afterCode::text is null or code > :afterCode)
       order by code limit :limit
     ) c`,
  );

const equipmentPages = pagesByCode('equipmentOfSites', 'equipment', 'site_id');
const sensorPages = pagesByCode('sensorsOfEquipment', 'sensors', 'equipment_id');

/**
 * Children of many parents (a site's equipment, say), a page each by code, in one statement: a
 * lateral join per parent over its (parent, code) index. Loaded by parent id and page, so the
 * parents of one field of one response share a statement.
 */
function childrenByCode<T extends { code: string }>(
  em: EntityManager,
  entity: new () => T,
  parentOf: (child: T) => string,
  pages: Statement<ChildPageParams, Record<string, unknown>>,
) {
  return withArgsLoader<CodePage, Page<T>>(
    async ({ size, afterCode }, parentIds) => {
      const rows = await pages(em, { parentIds, afterCode, limit: size + 1 });
      const groups = new Map<string, T[]>(parentIds.map((id) => [id, []]));
      for (const row of rows) {
        const child = em.map(entity, row);
        groups.get(parentOf(child))?.push(child);
      }
      return new Map([...groups].map(([id, children]) => [id, toPage(children, size, (c) => [c.code])]));
    },
    { nodes: [], pageInfo: { endCursor: null, hasNextPage: false } },
  );
}

/** Site.equipment: pages of sites' equipment by code. */
export const equipmentOfSiteLoader = (em: EntityManager) =>
  childrenByCode(em, Equipment, (e) => e.siteId, equipmentPages);

/** Equipment.sensors: pages of equipment's sensors by code. */
export const sensorsOfEquipmentLoader = (em: EntityManager) =>
  childrenByCode(em, Sensor, (s) => s.equipmentId, sensorPages);
