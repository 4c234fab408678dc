// This domain's retention tasks, found by the cleanup worker (`@switchyard/users/retention`).
import { pricesRetention } from './prices.retention.js';
import { tickersRetention } from './tickers.retention.js';

export const retention = [pricesRetention, tickersRetention];
