// npm run bench:resilience: `npm start`'s stack (its own processes, supervised) under steady load
// of a query that never touches sessions, while the sessions process is SIGKILLed; once as npm
// start ships (warm spares) and once without them. Prints the failures of that query (target 0),
// and how long sessions' fields took to answer again after npm start restarted it (target at most
// 2 s).
import { GraphQLClient, waitFor } from '@switchyard/testing';
import { benchDatabase } from './measure.js';
import { npmStartStack } from './npm-start.js';
import { numberSetting } from '@switchyard/cli';

const WORKERS = numberSetting('BENCH_WORKERS', 16, 1);
const SECONDS = numberSetting('BENCH_SECONDS', 15, 1);

interface Round {
  spares: boolean;
  seconds: number;
  requests: number;
  failures: string[];
  killedAfter: number;
  restartedAfter: number;
  boot: number;
  gatewayPart: number;
  back: number;
}

/** One run of the stack: load, the kill, the figures; with or without warm spares. */
async function round(spares: boolean): Promise<Round> {
  const db = await benchDatabase('resilience');
  const stack = await npmStartStack(db.url, { WARM_SPARES: String(spares) });
  const { ports, stamps } = stack;
  const output = () => stack.output();
  try {
    // A stack in its steady state: the warm spares that restarts use have loaded.
    if (spares) await waitFor(async () => output().includes('warm spares ready'), 120_000, 'warm spares ready');
    const client = new GraphQLClient(`http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`);
    const { register } = await client.data<{ register: { token: string } }>(
      'mutation { register(email: "steady@example.com", password: "steady-password") { token } }',
    );
    const me = client.as(register.token);

    let done = false;
    let requests = 0;
    const failures: string[] = [];
    const worker = async () => {
      while (!done) {
        requests++;
        try {
          const answer = await me.request('{ me { email } }');
          if (answer.status !== 200 || answer.errors) failures.push(JSON.stringify(answer).slice(0, 200));
        } catch (error) {
          failures.push(String((error as Error).cause ?? error));
        }
      }
    };
    const started = performance.now();
    const load = Array.from({ length: WORKERS }, worker);

    await new Promise((resolve) => setTimeout(resolve, (SECONDS * 1000) / 3));
    const pid = Number(/\] sessions started, pid (\d+)/.exec(output())![1]);
    const killedAt = performance.now();
    process.kill(pid, 'SIGKILL');
    const restartedAt = await waitFor(
      async () => stamps.find(([at, line]) => at > killedAt && /\] sessions started, pid/.test(line))?.[0],
      60_000,
      'sessions restarted',
    );
    const readyAt = await waitFor(
      async () => {
        const ready = await fetch(`http://127.0.0.1:${ports.SESSIONS_PORT}/ready`);
        return ready.ok ? performance.now() : undefined;
      },
      60_000,
      'sessions ready',
    );
    const backAt = await waitFor(
      async () => {
        const answer = await me.request('{ me { sessions(first: 1) { nodes { id } } } }');
        return answer.errors || !answer.data ? undefined : performance.now();
      },
      60_000,
      'sessions answering',
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + SECONDS * 1000 - performance.now())));
    done = true;
    await Promise.all(load);
    return {
      spares,
      seconds: (performance.now() - started) / 1000,
      requests,
      failures,
      killedAfter: (killedAt - started) / 1000,
      restartedAfter: (restartedAt - killedAt) / 1000,
      boot: (readyAt - restartedAt) / 1000,
      gatewayPart: (backAt - readyAt) / 1000,
      back: (backAt - restartedAt) / 1000,
    };
  } finally {
    await stack.stop();
    await db.drop();
  }
}

async function main() {
  // Both contenders in one run: npm start as it ships (warm spares) and with WARM_SPARES=false.
  const rounds = [await round(true), await round(false)];
  console.log(
    `npm start stack, ${WORKERS} callers of { me { email } } for ${SECONDS} s; sessions SIGKILLed a third of the way in`,
  );
  console.log(
    'warm spares | requests (per s) | failed (target 0) | restarted after the kill | new process ready after | fields back after ready | back after the restart began (target <= 2 s)',
  );
  for (const r of rounds) {
    console.log(
      [
        r.spares ? 'on (default)' : 'off',
        `${r.requests} (${(r.requests / r.seconds).toFixed(0)})`,
        `${r.failures.length} ${r.failures.length === 0 ? 'met' : 'NOT met'}`,
        `${r.restartedAfter.toFixed(2)} s`,
        `${r.boot.toFixed(2)} s`,
        `${r.gatewayPart.toFixed(2)} s`,
        `${r.back.toFixed(2)} s ${r.back <= 2 ? 'met' : 'NOT met'}`,
      ].join(' | '),
    );
    if (r.failures.length) console.log(`  first failure: ${r.failures[0]}`);
  }
  const [on, off] = rounds;
  console.log(`back after the restart: warm spares ${(on.back / off.back).toFixed(2)}× the time of a cold start`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
