#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { parseCommandLine, runCommand, wholeNumber } from '@switchyard/cli';
import { simulate } from './simulate.js';

const HELP = `Usage: npm run simulate -- [options]

  --url URL           gateway GraphQL endpoint (default http://localhost:4000/graphql)
  --users N           simulated users (default 20)
  --sessions N        sessions in all, spread over the users (default 500)
  --out FILE          CSV of every user's statistics per activity (default stats.csv)
  --seed S            makes the generated sessions reproducible (default 1)
  --weeks N           how many weeks back the sessions go (default 12)
  --batch N           sessions per importSessions call (default 500, at most 10000)
  --concurrency N     requests in flight at once (default 4)
  --password P        password of the simulated accounts (default simulated-password)
  --email-prefix P    accounts are P-<i>@simulator.local (default sim)
  --no-progress       no progress bar`;

async function main(): Promise<number> {
  const { values } = parseCommandLine(() =>
    parseArgs({
      options: {
        url: { type: 'string', default: 'http://localhost:4000/graphql' },
        users: { type: 'string', default: '20' },
        sessions: { type: 'string', default: '500' },
        out: { type: 'string', default: 'stats.csv' },
        seed: { type: 'string', default: '1' },
        weeks: { type: 'string', default: '12' },
        batch: { type: 'string', default: '500' },
        concurrency: { type: 'string', default: '4' },
        password: { type: 'string', default: 'simulated-password' },
        'email-prefix': { type: 'string', default: 'sim' },
        'no-progress': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }),
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const started = Date.now();
  const report = await simulate({
    url: values.url,
    users: wholeNumber(values.users, 'users', 1, 100_000),
    sessions: wholeNumber(values.sessions, 'sessions', 0, 100_000_000),
    out: values.out,
    seed: values.seed,
    weeks: wholeNumber(values.weeks, 'weeks', 1, 520),
    batch: wholeNumber(values.batch, 'batch', 1, 10_000),
    concurrency: wholeNumber(values.concurrency, 'concurrency', 1, 64),
    password: values.password,
    emailPrefix: values['email-prefix'],
    progress: !values['no-progress'] && process.stderr.isTTY === true,
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `${report.users} users, ${report.imported} sessions imported in ${seconds.toFixed(1)} s; ${report.csvRows} rows written to ${values.out}`,
  );
  for (const failure of report.failures.slice(0, 20)) console.error(`failed: ${failure}`);
  if (report.failures.length > 20) console.error(`... and ${report.failures.length - 20} more failures`);
  return report.failures.length ? 1 : 0;
}

runCommand('simulate', HELP, main);
