import type { EntityManager } from '@mikro-orm/postgresql';
import { byIdLoader } from '@switchyard/kit';
import DataLoader from 'dataloader';
import { Document } from '../document/document.entity.js';
import { DeviceLink } from '../link/link.entity.js';
import { Device } from './device.entity.js';
import { HardwareSnapshot } from './snapshot.entity.js';

/** One statement per batch: rows of `entity` whose `key` is among the batch, grouped by it. */
function grouped<T extends object>(
  em: EntityManager,
  entity: new () => T,
  key: keyof T & string,
  orderBy: Record<string, 'asc' | 'desc'>,
) {
  return new DataLoader<string, T[]>(async (ids) => {
    const rows = await em.find(entity, { [key]: { $in: [...ids] } } as never, { orderBy } as never);
    const groups = new Map<string, T[]>(ids.map((id) => [id, []]));
    for (const row of rows) groups.get(row[key] as string)?.push(row);
    return ids.map((id) => groups.get(id)!);
  });
}

export function createDeviceLoaders(em: EntityManager) {
  return {
    device: byIdLoader(em, Device),
    snapshot: byIdLoader(em, HardwareSnapshot),
    snapshotsOfDevice: grouped(em, HardwareSnapshot, 'deviceId', { takenAt: 'desc', id: 'desc' }),
    linksOfDevice: grouped(em, DeviceLink, 'deviceId', { createdAt: 'asc', id: 'asc' }),
    documentsOfDevice: grouped(em, Document, 'deviceId', { createdAt: 'asc', id: 'asc' }),
  };
}
