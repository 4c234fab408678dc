// This domain's retention tasks, found by the cleanup worker (`@switchyard/sensors/retention`).
import { readingsRetention } from './readings.retention.js';

export const retention = [readingsRetention];
