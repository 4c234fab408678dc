export { benchmarkThisMachine } from './run.js';
export { normalise, REFERENCE } from './normalise.js';
