// npm run bench:sessions — 1,000,000 sessions over 1,000 users loaded through the gateway's
// importSessions, then p50/p99 of `user { stats }` for a user with 1,000 sessions and of a
// filtered `sessions` page. Sizes can be scaled down with BENCH_USERS / BENCH_SESSIONS_PER_USER.
import { randomBytes } from 'node:crypto';
import { generateSessions } from '@switchyard/simulator';
import { startAll } from '@switchyard/stack';
import pg from 'pg';
import { benchDatabase, gql, latency } from './measure.js';

const USERS = Number(process.env.BENCH_USERS ?? 1000);
const PER_USER = Number(process.env.BENCH_SESSIONS_PER_USER ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const CONCURRENCY = 4;

async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function main() {
  const db = await benchDatabase('switchyard_bench_sessions');
  const admin = { email: 'bench-admin@switchyard.local', password: randomBytes(12).toString('hex') };
  const stack = await startAll({ databaseUrl: db.url, jwtSecret: randomBytes(32).toString('hex'), admin });
  const url = stack.gateway.url;
  try {
    let started = Date.now();
    const tokens: Array<{ id: string; token: string }> = [];
    await pool(
      Array.from({ length: USERS }, (_, i) => i),
      CONCURRENCY * 2,
      async (i) => {
        const { register } = await gql(
          url,
          'mutation($e: String!) { register(email: $e, password: "bench-password") { token user { id } } }',
          {
            e: `bench-${i}@switchyard.local`,
          },
        );
        tokens[i] = { id: register.user.id, token: register.token };
      },
    );
    const registerSec = (Date.now() - started) / 1000;

    started = Date.now();
    const now = new Date();
    await pool([...tokens.keys()], CONCURRENCY, async (index) => {
      const { token } = tokens[index]!;
      const rows = generateSessions({ seed: 'bench', user: index, count: PER_USER, weeks: 52, now });
      const { importSessions } = await gql(
        url,
        'mutation($r: [SessionImportRow!]!) { importSessions(sessions: $r) { imported } }',
        { r: rows },
        token,
      );
      if (importSessions.imported !== rows.length) throw new Error('rows were rejected');
    });
    const loadSec = (Date.now() - started) / 1000;
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('analyze sessions.sessions');
    const total = (await client.query('select count(*)::int as n from sessions.sessions')).rows[0].n as number;
    await client.end();

    const subject = tokens[Math.floor(USERS / 2)]!;
    const stats = await latency(async () => {
      await gql(
        url,
        `query($id: ID!) { user(id: $id) { stats { count totalDurationSec averageDurationSec totalDistanceM totalCalories
           averageHeartRate longest { id } byActivity { activity count totalDurationSec } byWeek { weekStart count } } } }`,
        { id: subject.id },
        subject.token,
      );
    }, RUNS);
    const from = new Date(now.getTime() - 90 * 86_400_000).toISOString();
    const page = await latency(async () => {
      await gql(
        url,
        `query($f: SessionFilter) { sessions(filter: $f, first: 20) { nodes { id activity startedAt durationSec distanceM } pageInfo { endCursor } } }`,
        { f: { activity: 'RUN', from, minDurationSec: 1200 } },
        subject.token,
      );
    }, RUNS);

    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`\nbench:sessions — ${total.toLocaleString('en')} sessions over ${USERS} users (${PER_USER} each)`);
    console.log(`  register ${USERS} users          ${registerSec.toFixed(1)} s`);
    console.log(
      `  load through importSessions   ${loadSec.toFixed(1)} s (${Math.round(total / loadSec).toLocaleString('en')} sessions/s)`,
    );
    console.log(`  user { stats }                p50 ${ms(stats.p50)}  p99 ${ms(stats.p99)}  (${stats.runs} runs)`);
    console.log(`  filtered sessions page (20)   p50 ${ms(page.p50)}  p99 ${ms(page.p99)}  (${page.runs} runs)`);
  } finally {
    await stack.close();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
