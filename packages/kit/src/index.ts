import 'reflect-metadata';

export * from './auth.js';
export * from './db.js';
export * from './embedded.js';
export * from './env.js';
export * from './errors.js';
export * from './events.js';
export * from './federation.js';
export * from './jobs.js';
export * from './loaders.js';
export * from './logger.js';
export * from './metrics.js';
export * from './paging.js';
export * from './routes.js';
export * from './server.js';
export * from './subgraph.js';
export * from './validation.js';
export * from './event-stream.js';
