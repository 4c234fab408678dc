// This domain's retention tasks, found by the cleanup worker (`@switchyard/sessions/retention`).
import { orphansRetention } from './orphans.retention.js';

export const retention = [orphansRetention];
