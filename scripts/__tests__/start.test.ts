import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, freshDatabase, GraphQLClient, startOtlpCollector, waitFor } from '@switchyard/testing';

// `npm start` on an empty data directory with no database server configured: it must bring up
// embedded PostgreSQL, every service and the gateway, stop cleanly on Ctrl-C, and keep the data.
jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');

interface Started {
  child: ChildProcess;
  output: () => string;
}

async function start(
  env: Record<string, string>,
  command = [process.execPath, join(ROOT, 'scripts', 'start.js')],
): Promise<Started> {
  // As on a fresh machine: no database server and no MQTT broker configured.
  const { DATABASE_URL: _ignored, MQTT_URL: _broker, ...inherited } = process.env;
  const child = spawn(command[0]!, command.slice(1), {
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
      // Why first: a long log is cut in the middle where CI prints it.
      const why = text
        .split('\n')
        .filter((line) => /^\w*Error\b|\[switchyard\] .*(exited|in use|not ready)/.test(line));
      reject(new Error(`npm start exited with ${code}: ${why.join('\n') || 'no error line'}\n\n${text}`));
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
    // Warm spares are the supervision test's; here they would only cost time.
    WARM_SPARES: 'false',
    ...(await servicePorts()),
  };
  const client = new GraphQLClient(`http://127.0.0.1:${env.GATEWAY_PORT}/graphql`);

  // Through npm, as a user starts it: SIGINT to npm itself (not a terminal's Ctrl-C to the group) stops all.
  const first = await start(env, ['npm', 'start']);
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

it('says what it does while starting, lists every listener (MQTT off when its port is taken), and the seed makes the README examples work', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-firstrun-'));
  // Another program holds the MQTT port, as another broker on 1883 would.
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const takenPort = (holder.address() as AddressInfo).port;
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: await freshDatabase('firstrun'),
    WARM_SPARES: 'false',
    MQTT_PORT: String(takenPort),
    ...(await servicePorts()),
  };
  const started = await start(env);
  try {
    const output = started.output();
    // Progress as plain lines (not a terminal), with the time since the start.
    expect(output).toMatch(/\[switchyard\] \d+\.\d s: users starting/);
    expect(output).toMatch(/\[switchyard\] \d+\.\d s: users migrating/);
    expect(output).toMatch(/\[switchyard\] \d+\.\d s: gateway ready/);
    const origin = `http://localhost:${env.GATEWAY_PORT}`;
    expect(output).toContain(`GraphiQL   ${origin}/graphiql`);
    expect(output).toContain(`dashboard  ${origin}/dashboard`);
    expect(output).toContain(`metrics    ${origin}/metrics`);
    expect(output).toContain(
      `MQTT       off: port ${takenPort} is taken by another program; set MQTT_PORT to a free port`,
    );
    const listeners = JSON.parse(await readFile(join(dataDir, 'listeners.json'), 'utf8'));
    expect(listeners.mqtt).toEqual({ off: expect.stringContaining(`port ${takenPort} is taken`) });

    const [, email, password] = /admin created: (\S+) \/ (\S+)/.exec(output)!;
    const url = `http://127.0.0.1:${env.GATEWAY_PORT}/graphql`;
    const seed = (args: string[]) =>
      promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'seed.js'), ...args], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir },
      });
    await expect(seed(['--url', url])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--demo') });
    await expect(seed(['--demo', '--url', url, '--email', email!])).rejects.toMatchObject({ code: 2 });
    await expect(
      seed(['--demo', '--url', url, '--email', email!, '--password', 'wrong-password']),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining(`cannot sign in as ${email}`) });
    const seeded = await seed(['--demo', '--url', url, '--email', email!, '--password', password!]);
    expect(seeded.stdout).toMatch(/site +DEMO/);
    expect(seeded.stdout).toMatch(/sensor +PUMP-T1/);
    expect(seeded.stdout).toMatch(/tickers +ACME, GLOBEX, INITECH/);
    expect(seeded.stdout).toContain(`(MQTT: port ${takenPort} is taken`);
    // Again: what exists is kept, a new token is made.
    const again = await seed(['--demo', '--url', url, '--email', email!, '--password', password!]);
    const token = (text: string) => /API token +(\S+)/.exec(text)![1];
    expect(token(again.stdout)).not.toBe(token(seeded.stdout));
    expect(/sensor +PUMP-T1 .* id (\S+)/.exec(again.stdout)![1]).toBe(
      /sensor +PUMP-T1 .* id (\S+)/.exec(seeded.stdout)![1],
    );

    // The command it printed runs as written, and stores every reading.
    const command = /npm run sensor-feed -- (.*)/.exec(again.stdout)![1]!.split(' ');
    const fed = await promisify(execFile)(process.execPath, [
      join(ROOT, 'clients', 'sensor-feed', 'dist', 'main.js'),
      ...command,
    ]);
    expect(fed.stdout.trim()).toBe('sent 120 readings: 120 stored, 0 rejected');
  } finally {
    expect(await stop(started)).toBe(0);
    await new Promise((resolve) => holder.close(resolve));
  }
  await expect(readFile(join(dataDir, 'listeners.json'))).rejects.toMatchObject({ code: 'ENOENT' });
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
    WARM_SPARES: 'false',
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
    expect(traced.map((s) => s.name)).toContain('gateway.postprocessing');
    // The registration, one fetch of the caller's own selection, passed on as users sent it
    // (direct-answer.ts) under the gateway's own execute and fetch spans, with nothing to shape.
    const registration = collector.spans.find((s) => s.service === 'users' && s.name === 'graphql.resolve register');
    const gatewaySpans = collector.spans
      .filter((s) => s.traceId === registration?.traceId && s.service === 'gateway')
      .map((s) => s.name);
    expect(gatewaySpans).toEqual(expect.arrayContaining(['gateway.request', 'gateway.execute', 'gateway.fetch']));
    expect(gatewaySpans).not.toContain('gateway.postprocessing');
  } finally {
    expect(await stop(started)).toBe(0);
    await collector.close();
  }
});

/** Whether nothing listens on `port` now. */
function portFree(port: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(Number(port), '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The pid npm start printed for `name`'s latest start. */
const pidOf = (output: string, name: string) =>
  Number([...output.matchAll(new RegExp(`\\] ${name} started, pid (\\d+)`, 'g'))].at(-1)![1]);
const startsOf = (output: string, name: string) =>
  [...output.matchAll(new RegExp(`\\] ${name} started, pid`, 'g'))].length;

it('supervises: a killed subgraph or database comes back while the rest serves; a second start refuses; SIGTERM to npm stops all', async () => {
  const env = {
    DATA_DIR: await mkdtemp(join(tmpdir(), 'switchyard-supervise-')),
    EMBEDDED_PG_PORT: String(await freePort()),
    ...(await servicePorts()),
  };
  // Started as a user does, through npm, so the signal below reaches npm and not our script.
  const running = await start(env, ['npm', 'start']);
  const client = new GraphQLClient(`http://127.0.0.1:${env.GATEWAY_PORT}/graphql`);
  try {
    const { register } = await client.data(
      'mutation { register(email: "supervised@example.com", password: "supervised-pw") { token } }',
    );
    const me = client.as(register.token);
    const WITH_SESSIONS = '{ me { email sessions(first: 1) { nodes { id } } } }';
    await me.data(WITH_SESSIONS);

    // sessions dies: queries that do not touch it keep answering, and it comes back by itself,
    // from the warm spare that waits with its modules loaded.
    await waitFor(async () => running.output().includes('warm spares ready'), 120_000, 'warm spares');
    const spares = await processesWith(env.DATA_DIR);
    process.kill(pidOf(running.output(), 'sessions'), 'SIGKILL');
    await waitFor(
      async () => running.output().includes('sessions exited (SIGKILL); restart 1'),
      10_000,
      'the exit seen',
    );
    for (let i = 0; i < 20; i++)
      expect(await me.data('{ me { email } }')).toEqual({ me: { email: 'supervised@example.com' } });
    await waitFor(async () => startsOf(running.output(), 'sessions') >= 2 || undefined, 30_000, 'sessions restarted');
    expect(running.output()).toMatch(/\] sessions started, pid \d+ \(its warm spare\)/);
    expect(spares).toContain(pidOf(running.output(), 'sessions'));
    await waitFor(
      async () => !(await me.request(WITH_SESSIONS)).errors || undefined,
      30_000,
      'sessions answering again',
    );

    // The embedded PostgreSQL server dies: its wrapper exits, is started again, and services reconnect.
    const postmaster = Number((await readFile(join(env.DATA_DIR, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    process.kill(postmaster, 'SIGKILL');
    await waitFor(async () => running.output().includes('postgres exited'), 20_000, 'the database exit seen');
    await waitFor(
      async () => !(await me.request(WITH_SESSIONS)).errors || undefined,
      60_000,
      'answers after the database came back',
    );

    // A second start on the same ports refuses clearly instead of half-starting.
    const second = spawn(process.execPath, [join(ROOT, 'scripts', 'start.js')], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    second.stdout!.on('data', (c) => (text += c));
    expect(await new Promise((resolve) => second.once('exit', resolve))).toBe(1);
    expect(text).toContain(`port ${env.GATEWAY_PORT} (gateway)`);
    expect(text).toContain('already in use');
  } finally {
    // SIGTERM to npm itself, as a process manager sends it: everything stops and frees its port.
    const exited = new Promise((resolve) => running.child.once('exit', resolve));
    running.child.kill('SIGTERM');
    await exited;
  }
  for (const port of Object.values(env).filter((value) => /^\d+$/.test(value))) {
    await waitFor(() => portFree(port), 30_000, `port ${port} free`);
  }
  // Nothing left behind: no service, spare or database still runs with this data directory.
  await waitFor(async () => (await processesWith(env.DATA_DIR)).length === 0 || undefined, 30_000, 'no process left');
}, 300_000);

/** Pids of processes whose environment mentions `text` (Linux's /proc). */
async function processesWith(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(join('/proc', entry, 'environ'), 'utf8').catch(() => '');
    if (environ.includes(text)) pids.push(Number(entry));
  }
  return pids;
}
