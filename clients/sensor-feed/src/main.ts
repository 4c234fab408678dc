#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { feed } from './feed.js';

const HELP = `Usage: npm run sensor-feed -- --sensors CODE[,CODE...] [options]

  --url URL           gateway GraphQL endpoint (default http://localhost:4000/graphql)
  --token T           API token with scope sensors:write (or SWITCHYARD_TOKEN); over MQTT, the password
  --mqtt URL          publish to this broker (sensors/<code>/readings) instead of GraphQL
  --sensors LIST      sensor codes, comma-separated
  --rounds N          readings per sensor (default 60)
  --step-ms N         time between a sensor's readings (default 1000)
  --interval-ms N     real time between rounds (default 0: as fast as possible)
  --seed S            makes the values reproducible (default 1)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://localhost:4000/graphql' },
      token: { type: 'string', default: process.env.SWITCHYARD_TOKEN },
      mqtt: { type: 'string' },
      sensors: { type: 'string', default: '' },
      rounds: { type: 'string', default: '60' },
      'step-ms': { type: 'string', default: '1000' },
      'interval-ms': { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
  });
  const sensors = values.sensors
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (values.help || !sensors.length) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  const count = (v: string, name: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
    return n;
  };
  const report = await feed(
    {
      url: values.url,
      token: values.token,
      mqtt: values.mqtt,
      sensors,
      rounds: count(values.rounds, 'rounds'),
      stepMs: count(values['step-ms'], 'step-ms'),
      intervalMs: count(values['interval-ms'], 'interval-ms'),
      seed: values.seed,
    },
    (line) => console.error(line),
  );
  console.log(
    values.mqtt
      ? `published ${report.sent} readings to ${values.mqtt}`
      : `sent ${report.sent} readings: ${report.accepted} stored, ${report.rejected} rejected`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`sensor-feed: ${(error as Error).message}`);
    process.exit(1);
  },
);
