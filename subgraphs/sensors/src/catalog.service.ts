import { UniqueConstraintViolationException } from '@mikro-orm/core';
import {
  BadUserInputError,
  ConflictError,
  isUuid,
  NotFoundError,
  type Page,
  parseInput,
  toPage,
  z,
} from '@switchyard/kit';
import type { CodePage } from './catalog.inputs.js';
import type { SensorsContext } from './context.js';
import { Equipment } from './equipment/equipment.entity.js';
import { Sensor } from './sensor/sensor.entity.js';
import { Site, type SiteKind } from './site/site.entity.js';

const code = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, dashes or underscores');
const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

/** Creates a row; a code already taken is a CONFLICT naming `code`. */
async function createUnique<T extends object>(ctx: SensorsContext, entity: new () => T, data: object): Promise<T> {
  const row = ctx.em.create(entity, data as never);
  try {
    await ctx.em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw new ConflictError('code: is already taken', 'code');
    throw error;
  }
  return row;
}

async function existing<T>(load: (id: string) => Promise<T | null>, id: string, what: string): Promise<T> {
  const row = isUuid(id) ? await load(id.toLowerCase()) : null;
  if (!row) throw new NotFoundError(what);
  return row;
}

/** A page of sites by code. */
export async function listSites(ctx: SensorsContext, { size, afterCode }: CodePage): Promise<Page<Site>> {
  const rows = await ctx.em.find(Site, afterCode === null ? {} : { code: { $gt: afterCode } }, {
    orderBy: { code: 'asc' },
    limit: size + 1,
  });
  return toPage(rows, size, (site) => [site.code]);
}

/** Sensors by code, in the order of `codes`; null where no sensor has that code. */
export async function findSensorsByCode(ctx: SensorsContext, codes: string[]): Promise<Array<Sensor | null>> {
  const rows = await ctx.em.find(Sensor, { code: { $in: [...new Set(codes)] } });
  const byCode = new Map(rows.map((row) => [row.code, row]));
  return codes.map((c) => byCode.get(c) ?? null);
}

export function createSite(ctx: SensorsContext, input: { code: string; name: string; kind: SiteKind }) {
  const fields = parseInput(z.object({ code, name }), input);
  return createUnique(ctx, Site, { ...fields, kind: input.kind });
}

export async function createEquipment(
  ctx: SensorsContext,
  input: { siteId: string; code: string; name: string; location?: string | null },
) {
  const fields = parseInput(z.object({ code, name, location: name.nullish() }), input);
  const site = await existing((id) => ctx.loaders.site.load(id), input.siteId, 'site');
  return createUnique(ctx, Equipment, { ...fields, location: fields.location ?? null, siteId: site.id });
}

export async function createSensor(
  ctx: SensorsContext,
  input: {
    equipmentId: string;
    code: string;
    kind: string;
    unit: string;
    normalMin?: number | null;
    normalMax?: number | null;
  },
) {
  const fields = parseInput(
    z.object({ code, kind: name, unit: z.string().trim().min(1, 'must not be empty').max(32) }),
    input,
  );
  const { normalMin = null, normalMax = null } = input;
  if (normalMin !== null && normalMax !== null && normalMin >= normalMax) {
    throw new BadUserInputError('normalMax', 'must be above normalMin');
  }
  const equipment = await existing((id) => ctx.loaders.equipment.load(id), input.equipmentId, 'equipment');
  return createUnique(ctx, Sensor, { ...fields, normalMin, normalMax, equipmentId: equipment.id });
}

/** Deactivates (or reactivates) equipment by id; returns those changed. Unknown ids are NOT_FOUND. */
export async function setEquipmentActive(ctx: SensorsContext, ids: string[], active: boolean): Promise<Equipment[]> {
  if (ids.length > 1000) throw new BadUserInputError('ids', 'must hold at most 1000 ids');
  const rows = await Promise.all(ids.map((id) => existing((i) => ctx.loaders.equipment.load(i), id, 'equipment')));
  for (const row of rows) row.active = active;
  await ctx.em.flush();
  return rows;
}
