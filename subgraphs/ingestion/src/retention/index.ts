// This domain's retention tasks, found by the cleanup worker (`@switchyard/ingestion/retention`).
import { batchesRetention } from './batches.retention.js';
import { outboxRetention } from './outbox.retention.js';

export const retention = [batchesRetention, outboxRetention];
