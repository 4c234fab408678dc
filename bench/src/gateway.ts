// npm run bench:gateway — stock @apollo/gateway against Switchyard's gateway (tracing off and on)
// over the bench's own four in-memory subgraphs (accounts, inventory, products, reviews; one child
// process), with one deep query whose answer is checked before each round. Contenders run in
// alternating rounds (A B C A B C ...), each a fresh child process, so its peak RSS is its own:
// BENCH_SECONDS (default 20) of autocannon load after BENCH_WARMUP_SECONDS (default 2) unmeasured,
// BENCH_CONNECTIONS (default 50), BENCH_ROUNDS (default 3, so the median sets one noisy round
// aside) each. BENCH_CONTENDERS picks some of
// stock,switchyard,switchyard-traced; BENCH_NODE_ARGS adds node flags to the contenders (e.g.
// "--cpu-prof --cpu-prof-dir=/tmp/prof"). The gateway's idempotency keys need PostgreSQL:
// BENCH_DATABASE_URL's server, else an embedded one.
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey } from '@switchyard/kit';
import { freePort } from '@switchyard/testing';
import { startNode, stopAll } from './federation/children.js';
import { contenders, type Setup } from './federation/contenders.js';
import { PRODUCTS, REVIEWS_PER_USER, USERS } from './federation/data.js';
import { type LoadSettings, type RoundResult, runRound } from './federation/load.js';
import { expectedAnswer } from './federation/query.js';
import { roundsTable, summarise, summaryTable, targets } from './federation/report.js';
import { startTraceSink } from './federation/sink.js';
import type { SubgraphsReady } from './federation/subgraphs-main.js';
import { writeSupergraph } from './federation/supergraph.js';
import { benchDatabase } from './measure.js';
import { numberSetting } from '@switchyard/cli';

const ROUNDS = numberSetting('BENCH_ROUNDS', 3, 1);
const load: LoadSettings = {
  connections: numberSetting('BENCH_CONNECTIONS', 50, 1),
  seconds: numberSetting('BENCH_SECONDS', 20, 1),
  warmupSeconds: numberSetting('BENCH_WARMUP_SECONDS', 2),
};

function pickContenders() {
  const names = (process.env.BENCH_CONTENDERS ?? contenders.map((c) => c.name).join(','))
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !contenders.some((c) => c.name === n));
  if (unknown.length) {
    throw new Error(
      `BENCH_CONTENDERS: unknown ${unknown.join(', ')} (known: ${contenders.map((c) => c.name).join(', ')})`,
    );
  }
  return contenders.filter((c) => names.includes(c.name));
}

// Everything to undo on the way out, newest first; run once, on success, failure or a signal.
const cleanups: Array<() => Promise<unknown>> = [];
let cleaning: Promise<void> | undefined;
let interrupted = false;
const cleanup = () =>
  (cleaning ??= (async () => {
    // Interrupted, nobody waits for a graceful drain.
    await stopAll(interrupted ? 2000 : undefined);
    for (const undo of cleanups.reverse()) await undo().catch((error: unknown) => console.error(error));
  })());

async function main() {
  const picked = pickContenders();
  const work = await mkdtemp(join(tmpdir(), 'switchyard-bench-gateway-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));

  const subgraphs = startNode('subgraphs', [join(__dirname, 'federation', 'subgraphs-main.js')], process.env, true);
  const ready = await new Promise<SubgraphsReady>((resolve, reject) => {
    subgraphs.process.once('message', (message) => resolve(message as SubgraphsReady));
    void subgraphs.exited.then(() => reject(new Error(`subgraphs exited\n${subgraphs.tail()}`)));
  });
  const supergraphFile = join(work, 'supergraph.graphql');
  await writeSupergraph(ready.urls, supergraphFile);

  const needsDatabase = picked.some((c) => c.name.startsWith('switchyard'));
  const db = needsDatabase ? await benchDatabase('switchyard_bench_gateway') : undefined;
  if (db) cleanups.push(db.drop);
  const sink = await startTraceSink();
  cleanups.push(sink.close);
  const setup: Setup = {
    supergraphFile,
    databaseUrl: db?.url ?? '',
    gatewayKey: JSON.stringify((await generateSigningKey()).privateJwk),
    traceSinkUrl: sink.url,
    nodeArgs: (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  };

  console.log(
    `node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model.trim()}); everything on this machine`,
  );
  console.log(
    `data: ${USERS} users, ${PRODUCTS} products, ${USERS * REVIEWS_PER_USER} reviews; ` +
      `load: ${load.connections} connections, ${load.seconds} s per round after ${load.warmupSeconds} s warm-up, ` +
      `${ROUNDS} round(s), contenders alternating`,
  );
  console.log(
    `subgraphs: accounts, inventory, products, reviews in one child process (Apollo Server); ` +
      `the query's answer is ${JSON.stringify(expectedAnswer()).length} bytes`,
  );
  for (const c of picked) console.log(`  ${c.name.padEnd(18)} ${c.describe}`);
  if (setup.nodeArgs.length) console.log(`  contenders run with node ${setup.nodeArgs.join(' ')}`);
  console.log();

  const results: RoundResult[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const contender of picked) {
      const port = await freePort();
      const child = contender.start(port, setup);
      const result = await runRound(child, subgraphs, `http://127.0.0.1:${port}/graphql`, ready.admin, round, load);
      results.push(result);
      console.log(
        `round ${round} ${contender.name}: ${result.rps.toFixed(1)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
          `peak RSS ${result.peakRssMb.toFixed(1)} MB`,
      );
    }
  }

  console.log(
    `\nper round (measured window only; CPU as a share of one core, of ${availableParallelism()}; ` +
      `bench = autocannon and the trace sink):\n` +
      roundsTable(results),
  );
  const summaries = summarise(
    results,
    picked.map((c) => c.name),
  );
  console.log(
    `\nper contender: median of ${ROUNDS} round(s) for RPS and latency, max for peak RSS (VmHWM), sum for errors` +
      `\n(fetches and representations: of the one verified request, and in brackets the mean under load)\n` +
      summaryTable(summaries),
  );
  const lines = targets(summaries);
  if (lines.length) console.log(`\nissue 9 targets:\n${lines.join('\n')}`);
  if (picked.some((c) => c.name === 'switchyard-traced')) {
    const { exports, spans, bytes } = sink.counts;
    console.log(`\ntrace sink received ${exports} exports, ${spans} spans, ${(bytes / 1e6).toFixed(1)} MB`);
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

main()
  .then(cleanup)
  .catch(async (error: unknown) => {
    // After a signal, failures are children going away under a round: not news.
    if (interrupted) return;
    console.error(error);
    await cleanup();
    process.exit(1);
  });
