import { migrationsIn } from '@switchyard/kit';
import { Benchmark } from './benchmark/benchmark.entity.js';
import { Device } from './device/device.entity.js';
import { HardwareSnapshot } from './device/snapshot.entity.js';
import { Document, Upload } from './document/document.entity.js';
import { DeviceLink } from './link/link.entity.js';

export const entities = [Device, HardwareSnapshot, Benchmark, DeviceLink, Document, Upload];

export const migrations = migrationsIn(['Migration20261123200000'], (name) => import(`./migrations/${name}.js`));
