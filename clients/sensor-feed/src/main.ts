#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { parseCommandLine, runCommand, UsageError, wholeNumber } from '@switchyard/cli';
import { feed } from './feed.js';

const HELP = `Usage: npm run sensor-feed -- --sensors CODE[,CODE...] [options]

  --url URL           gateway GraphQL endpoint (default http://localhost:4000/graphql)
  --token T           API token with scope sensors:write (or SWITCHYARD_TOKEN); over MQTT, the password
  --mqtt URL          publish to this broker (sensors/<code>/readings) instead of GraphQL
  --confirm-sec N     over MQTT: wait up to N s for the readings to show through --url (default 15; 0: do not look)
  --sensors LIST      sensor codes, comma-separated
  --rounds N          readings per sensor (default 60)
  --step-ms N         time between a sensor's readings (default 1000)
  --interval-ms N     real time between rounds (default 0: as fast as possible)
  --seed S            makes the values reproducible (default 1)

Exit codes: 0 every reading stored, 1 some or all not stored (or a failure), 2 bad arguments.`;

function options() {
  return parseCommandLine(
    () =>
      parseArgs({
        options: {
          url: { type: 'string', default: 'http://localhost:4000/graphql' },
          token: { type: 'string', default: process.env.SWITCHYARD_TOKEN },
          mqtt: { type: 'string' },
          'confirm-sec': { type: 'string', default: '15' },
          sensors: { type: 'string', default: '' },
          rounds: { type: 'string', default: '60' },
          'step-ms': { type: 'string', default: '1000' },
          'interval-ms': { type: 'string', default: '0' },
          seed: { type: 'string', default: '1' },
          help: { type: 'boolean', default: false },
        },
      }).values,
  );
}

async function main(): Promise<number> {
  const values = options();
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const sensors = values.sensors
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!sensors.length) throw new UsageError('--sensors is required');
  const confirmMs = wholeNumber(values['confirm-sec'], 'confirm-sec') * 1000;
  if (values.mqtt && confirmMs && !values.token) {
    throw new UsageError('over MQTT, --token is needed to confirm the readings were stored (or --confirm-sec 0)');
  }
  const report = await feed(
    {
      url: values.url,
      token: values.token,
      mqtt: values.mqtt,
      confirmMs,
      sensors,
      rounds: wholeNumber(values.rounds, 'rounds'),
      stepMs: wholeNumber(values['step-ms'], 'step-ms'),
      intervalMs: wholeNumber(values['interval-ms'], 'interval-ms'),
      seed: values.seed,
    },
    (line) => console.error(line),
  );
  if (values.mqtt && !report.confirmed) {
    console.log(`published ${report.sent} readings to ${values.mqtt} (not confirmed: --confirm-sec 0)`);
    return 0;
  }
  console.log(
    values.mqtt
      ? `published ${report.sent} readings to ${values.mqtt}: ${report.accepted} stored, ${report.rejected} not stored`
      : `sent ${report.sent} readings: ${report.accepted} stored, ${report.rejected} rejected`,
  );
  for (const code of report.unknown ?? []) console.error(`not stored: ${code} is not a known sensor`);
  if (report.accepted === 0 && report.sent > 0) {
    const why = values.mqtt
      ? `none of them shows through ${values.url} after ${confirmMs / 1000} s: is ${values.mqtt} the broker \`npm start\` printed, and do the sensors exist?`
      : 'all were rejected (see above)';
    console.error(`sensor-feed: nothing stored: ${why} (\`npm run seed -- --demo\` creates demo sensors)`);
    return 1;
  }
  return report.rejected ? 1 : 0;
}

runCommand('sensor-feed', HELP, main);
