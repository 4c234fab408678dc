import { Benchmark } from './benchmark/benchmark.entity.js';
import { Device } from './device/device.entity.js';
import { HardwareSnapshot } from './device/snapshot.entity.js';
import { Document, Upload } from './document/document.entity.js';
import { DeviceLink } from './link/link.entity.js';
import { Migration20261123200000 } from './migrations/Migration20261123200000.js';

export const entities = [Device, HardwareSnapshot, Benchmark, DeviceLink, Document, Upload];

export const migrations = [{ name: 'Migration20261123200000', class: Migration20261123200000 }];
