// npm run fuzz [-- --seed N --count N]: seeded fuzzing of the whole stack through the gateway
// (generated operations, broken request bodies, graphql-ws protocol abuse), on a fresh database.
// Prints what it tried and what it found; exits 1 if it found anything.
import { runCommand, wholeNumber } from '@switchyard/cli';
import { GraphQLClient } from '@switchyard/testing';
import { fuzz, printReport } from './fuzz/index.js';
import { benchStack } from './measure.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? process.argv[at + 1] : process.env[`FUZZ_${name.toUpperCase()}`];
  return value === undefined ? fallback : wholeNumber(value, name);
}

async function main(): Promise<number> {
  const seed = option('seed', 1);
  const cases = option('count', 10_000);
  const bench = await benchStack('fuzz');
  try {
    const { stack, admin } = bench;
    const client = new GraphQLClient(stack.gateway.url);
    const { register } = await client.data<{ register: { token: string } }>(
      'mutation { register(email: "fuzz@example.com", password: "fuzz-password-1") { token } }',
    );
    const { login } = await client.data<{ login: { token: string } }>(
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
      { e: admin.email, p: admin.password },
    );
    console.log(`fuzzing ${stack.gateway.url} with seed ${seed}, ${cases} cases (anonymous, a user, an admin)`);
    const report = await fuzz({
      url: stack.gateway.url,
      seed,
      count: cases,
      tokens: [register.token, login.token],
      alive: async () => {
        for (const service of [
          stack.users,
          stack.sessions,
          stack.benchmarks,
          stack.ingestion,
          stack.cleanup,
          stack.sensors,
          stack.gateway,
        ]) {
          const health = await fetch(`${new URL(service.url).origin}/health`);
          if (!health.ok) throw new Error(`${service.url} answered ${health.status}`);
        }
      },
    });
    console.log(printReport(report));
    return report.findings.length ? 1 : 0;
  } finally {
    await bench.close();
  }
}

runCommand('fuzz', 'Usage: npm run fuzz [-- --seed N --count N]', main);
