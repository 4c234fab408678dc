// npm run bench:sessions — 1,000,000 sessions over 1,000 users loaded through the gateway's
// importSessions, then p50/p99 of `user { stats }` for a user with 1,000 sessions and of
// filtered `sessions` pages (one user's, and an admin's across everyone's).
// Scale with BENCH_USERS, BENCH_SESSIONS_PER_USER (at most 10,000) and BENCH_RUNS.
import { generateSessions, pool } from '@switchyard/simulator';
import { GraphQLClient } from '@switchyard/testing';
import pg from 'pg';
import { benchStack } from './measure.js';
import { latency } from './timing.js';
import { numberSetting } from '@switchyard/cli';

const USERS = numberSetting('BENCH_USERS', 1000, 1);
const PER_USER = Math.min(numberSetting('BENCH_SESSIONS_PER_USER', 1000, 1), 10_000);
const RUNS = numberSetting('BENCH_RUNS', 300, 1);
const CONCURRENCY = 4;

async function main() {
  const { stack, admin, db, close } = await benchStack('switchyard_bench_sessions');
  const client = new GraphQLClient(stack.gateway.url);
  try {
    let started = Date.now();
    const users: Array<{ id: string; token: string }> = [];
    await pool([...Array(USERS).keys()], CONCURRENCY * 2, async (i) => {
      const { register } = await client.data(
        'mutation($e: String!) { register(email: $e, password: "bench-password") { token user { id } } }',
        { e: `bench-${i}@switchyard.local` },
      );
      users[i] = { id: register.user.id, token: register.token };
    });
    const registerSec = (Date.now() - started) / 1000;

    started = Date.now();
    const now = new Date();
    await pool([...users.keys()], CONCURRENCY, async (index) => {
      const rows = generateSessions({ seed: 'bench', user: index, count: PER_USER, weeks: 52, now });
      const { importSessions } = await client
        .as(users[index]!.token)
        .data('mutation($r: [SessionImportRow!]!) { importSessions(sessions: $r) { imported } }', { r: rows });
      if (importSessions.imported !== rows.length) throw new Error('rows were rejected');
    });
    const loadSec = (Date.now() - started) / 1000;
    const sql = new pg.Client({ connectionString: db });
    await sql.connect();
    await sql.query('analyze sessions.sessions');
    const total = (await sql.query('select count(*)::int as n from sessions.sessions')).rows[0].n as number;
    await sql.end();

    const subject = users[Math.floor(USERS / 2)]!;
    const asSubject = client.as(subject.token);
    const stats = await latency(
      () =>
        asSubject.data(
          `query($id: ID!) { user(id: $id) { stats { count totalDurationSec averageDurationSec totalDistanceM totalCalories
             averageHeartRate longest { id } byActivity { activity count totalDurationSec } byWeek { weekStart count } } } }`,
          { id: subject.id },
        ),
      RUNS,
    );
    const PAGE = `query($f: SessionFilter) { sessions(filter: $f, first: 20) {
      nodes { id activity startedAt durationSec distanceM } pageInfo { endCursor } } }`;
    const filter = {
      activity: 'RUN',
      from: new Date(now.getTime() - 90 * 86_400_000).toISOString(),
      minDurationSec: 1200,
    };
    const page = await latency(() => asSubject.data(PAGE, { f: filter }), RUNS);
    const { login } = await client.data(
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
      {
        e: admin.email,
        p: admin.password,
      },
    );
    const everyone = await latency(() => client.as(login.token).data(PAGE, { f: filter }), RUNS);

    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`\nbench:sessions — ${total.toLocaleString('en')} sessions over ${USERS} users (${PER_USER} each)`);
    console.log(`  register ${USERS} users                  ${registerSec.toFixed(1)} s`);
    console.log(
      `  load through importSessions           ${loadSec.toFixed(1)} s (${Math.round(total / loadSec).toLocaleString('en')} sessions/s)`,
    );
    console.log(
      `  user { stats }                        p50 ${ms(stats.p50)}  p99 ${ms(stats.p99)}  (${stats.runs} runs)`,
    );
    console.log(
      `  filtered page, one user's sessions    p50 ${ms(page.p50)}  p99 ${ms(page.p99)}  (${page.runs} runs)`,
    );
    console.log(
      `  filtered page, everyone's (admin)     p50 ${ms(everyone.p50)}  p99 ${ms(everyone.p99)}  (${everyone.runs} runs)`,
    );
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
