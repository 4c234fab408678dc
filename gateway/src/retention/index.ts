// The gateway's retention tasks, found by the cleanup worker (`@switchyard/gateway/retention`).
import { idempotencyRetention } from './idempotency.retention.js';

export const retention = [idempotencyRetention];
