export * from './client.js';
export * from './database.js';
export * from './services.js';
export * from './schema.js';
export * from './yahoo.js';
export * from './subscription.js';
export * from './otlp.js';
export * from './logs.js';
