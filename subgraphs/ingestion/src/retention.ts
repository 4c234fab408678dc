// Retention of this domain's data, for the cleanup worker (`@switchyard/ingestion/retention`).
export { pruneOutbox } from './email/prune.js';
export { pruneReadingBatches } from './readings/prune.js';
