import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, freshDatabase, GraphQLClient, startOtlpCollector, waitFor } from '@switchyard/testing';

// `npm start` on an empty data directory with no database server configured: it must bring up
// embedded PostgreSQL, every service and the gateway, stop cleanly on Ctrl-C, and keep the data.
jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');

interface Started {
  child: ChildProcess;
  output: () => string;
}

async function start(env: Record<string, string>): Promise<Started> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.js')], {
    cwd: ROOT,
    env: { ...inherited, NODE_ENV: 'development', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (c) => (text += c));
  child.stderr!.on('data', (c) => (text += c));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (text.includes('press Ctrl-C to stop')) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${text}`));
    });
  });
  return { child, output: () => text };
}

/** A free port for the gateway and each subgraph (`<NAME>_PORT`, as npm start reads them). */
async function servicePorts(): Promise<Record<string, string>> {
  const ports: Record<string, string> = {};
  for (const name of ['GATEWAY', 'USERS', 'SESSIONS', 'BENCHMARKS', 'INGESTION', 'CLEANUP', 'SENSORS']) {
    ports[`${name}_PORT`] = String(await freePort());
  }
  return ports;
}

async function stop({ child }: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  return exited;
}

it('starts everything on embedded PostgreSQL, stops on Ctrl-C and keeps the data', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-start-'));
  const env = {
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(await freePort()),
    ...(await servicePorts()),
  };
  const client = new GraphQLClient(`http://127.0.0.1:${env.GATEWAY_PORT}/graphql`);

  const first = await start(env);
  const admin = /admin created: (\S+) \/ (\S+)/.exec(first.output());
  expect(admin).not.toBeNull();
  // Printed once, by npm start when everything is ready; never in a service's log lines.
  expect(first.output().split(admin![2]!).length - 1).toBe(1);
  expect(first.output()).toContain(`gateway ready at http://localhost:${env.GATEWAY_PORT}/graphql`);
  const { login } = await client.data(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { role } } }',
    {
      e: admin![1],
      p: admin![2],
    },
  );
  expect(login.user.role).toBe('ADMIN');
  await client.data('mutation { register(email: "kept@example.com", password: "survives-restarts") { token } }');
  expect(await stop(first)).toBe(0);
  expect(first.output()).toContain('[switchyard] stopped');

  const second = await start(env);
  expect(second.output()).not.toContain('admin created');
  const again = await client.data(
    'mutation { login(email: "kept@example.com", password: "survives-restarts") { user { email } } }',
  );
  expect(again.login.user.email).toBe('kept@example.com');
  expect(await stop(second)).toBe(0);
});

it('traces one request across the gateway, the subgraphs and their SQL when an OTLP endpoint is set', async () => {
  const collector = await startOtlpCollector();
  const env = {
    DATA_DIR: await mkdtemp(join(tmpdir(), 'switchyard-otel-')),
    DATABASE_URL: await freshDatabase('otel'),
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    // Every trace, not the default one in ten: the test follows one request.
    OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    ...(await servicePorts()),
  };
  const started = await start(env);
  try {
    const client = new GraphQLClient(`http://127.0.0.1:${env.GATEWAY_PORT}/graphql`);
    const { register } = await client.data(
      'mutation { register(email: "traced@example.com", password: "traced-password") { token } }',
    );
    await client.as(register.token).data('query Traced { me { email sessions(first: 1) { nodes { id } } } }');

    // One of the gateway's traces holds the users and sessions subgraphs' spans of `Traced`, with their SQL.
    const traced = await waitFor(
      async () => {
        for (const traceId of new Set(collector.spans.filter((s) => s.service === 'gateway').map((s) => s.traceId))) {
          const trace = collector.spans.filter((s) => s.traceId === traceId);
          const services = new Set(trace.map((s) => s.service));
          const named = trace.some((s) => s.service === 'sessions' && /Traced|_entities|query/.test(s.name));
          if (services.has('users') && services.has('sessions') && named && trace.some((s) => /^pg\./.test(s.name))) {
            return trace;
          }
        }
        return undefined;
      },
      30_000,
      'a trace across gateway, users and sessions',
    );
    expect(new Set(traced.map((s) => s.service))).toEqual(new Set(['gateway', 'users', 'sessions']));
  } finally {
    expect(await stop(started)).toBe(0);
    await collector.close();
  }
});
