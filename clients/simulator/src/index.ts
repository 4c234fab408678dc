export { simulate, pool, CSV_COLUMNS, type SimulateOptions, type SimulateReport } from './simulate.js';
export { generateSessions, ACTIVITIES, type SimulatedSession } from './generate.js';
