#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { parseCommandLine, runCommand, UsageError } from '@switchyard/cli';
import { benchmarkThisMachine } from './run.js';

const HELP = `Usage: npm run bench-client -- --token TOKEN [options]

  --url URL         gateway GraphQL endpoint (default http://localhost:4000/graphql)
  --token TOKEN     API token with scope benchmarks:write (or BENCH_TOKEN)
  --dry-run         print the report instead of submitting it
  --json            print the server's answer as JSON
  --seconds S       length of each micro-benchmark (default 2)
  --net-url URL     also measure download speed from URL
  --dir DIR         where the disk benchmark writes (default: the temporary directory)
  --no-progress     no progress display`;

const SUBMIT = `mutation($report: BenchmarkReport!) { submitBenchmark(report: $report) {
  globalScore missing newSnapshot device { id hostname } benchmark { id scores { cpu mem disk net gpu } }
} }`;

interface SubmitResult {
  globalScore: number;
  missing: string[];
  device: { hostname: string };
  benchmark: { scores: Record<string, number | null> };
}

async function main(): Promise<number> {
  const { values } = parseCommandLine(() =>
    parseArgs({
      options: {
        url: { type: 'string', default: 'http://localhost:4000/graphql' },
        token: { type: 'string', default: process.env.BENCH_TOKEN },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        seconds: { type: 'string', default: '2' },
        'net-url': { type: 'string' },
        dir: { type: 'string' },
        'no-progress': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }),
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const seconds = Number(values.seconds);
  if (!(seconds > 0 && seconds <= 60)) throw new UsageError('--seconds must be a number from 0 to 60');
  if (!values['dry-run'] && !values.token) throw new UsageError('--token (or BENCH_TOKEN) is required to submit');
  const report = await benchmarkThisMachine({
    seconds,
    netUrl: values['net-url'],
    dir: values.dir,
    progress: !values['no-progress'] && process.stderr.isTTY === true,
  });
  if (values['dry-run']) {
    console.log(JSON.stringify(report, null, 2));
    return 0;
  }
  const response = await fetch(values.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${values.token}` },
    body: JSON.stringify({ query: SUBMIT, variables: { report } }),
  });
  const body = (await response.json()) as {
    data?: { submitBenchmark: SubmitResult };
    errors?: Array<{ message: string }>;
  };
  if (body.errors?.length || !body.data) {
    console.error(`submit failed: ${body.errors?.map((e) => e.message).join('; ') ?? response.status}`);
    return 1;
  }
  const result = body.data.submitBenchmark;
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`${result.device.hostname}: global score ${result.globalScore}`);
    console.log(`  scores ${JSON.stringify(result.benchmark.scores)}; not run: ${result.missing.join(', ') || 'none'}`);
  }
  return 0;
}

runCommand('bench-client', HELP, main);
