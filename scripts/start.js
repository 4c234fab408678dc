#!/usr/bin/env node
// `npm start`: embedded PostgreSQL (unless DATABASE_URL is set), every subgraph listed in
// supergraph.yaml, then the gateway, each supervised: one that exits is started again with
// backoff while the others keep serving. SIGINT or SIGTERM (Ctrl-C, or from anyone) stops them
// all; data stays under DATA_DIR.
'use strict';
const { spawn } = require('node:child_process');
const { existsSync, mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
if (existsSync(join(root, '.env'))) process.loadEnvFile(join(root, '.env'));
const { gatewaySigningKey, parseEnv, publicHalf } = require('../packages/kit/dist/index.js');
const { gatewayEnv } = require('../gateway/dist/env.js');
const { servedPages } = require('../gateway/dist/pages.js');
const { gatewayNodeOptions } = require('../gateway/dist/node-options.js');
const { readRegistry } = require('../gateway/dist/registry.js');

/** Restart backoff: the first after 0.1 s, doubling to 30 s; a process up for a minute starts over. */
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 30_000;
const STABLE_MS = 60_000;

const supervised = [];
/** Warm spares (see supervise) unless WARM_SPARES=false: one idle process per service, for restarts in well under 2 s. */
const spares = process.env.WARM_SPARES !== 'false';
let stackUp = false;
let sparesShown = false;
function announceSpares() {
  const wanted = supervised.filter((entry) => entry.makeSpare);
  if (sparesShown || !stackUp || !wanted.every((entry) => entry.spare?.standing)) return;
  sparesShown = true;
  say(`warm spares ready: ${wanted.length} idle processes, one per service, so a restart skips loading modules`);
}
let stopping = false;

const began = Date.now();
const elapsed = () => `${((Date.now() - began) / 1000).toFixed(1)} s`;

/**
 * What the first start is doing (PostgreSQL, each service: starting, migrating, ready), with the
 * time since `npm start` began: on a terminal one status line, redrawn under the logs; otherwise
 * a plain line at each change.
 */
const progress = {
  tty: process.stdout.isTTY === true,
  states: new Map(),
  /** Each one's latest state, kept after the status line is done. */
  last: new Map(),
  shown: false,
  timer: undefined,
  set(name, state) {
    if (this.states.get(name) === state) return;
    this.states.set(name, state);
    this.last.set(name, state);
    if (!this.tty) return process.stdout.write(`[switchyard] ${elapsed()}: ${name} ${state}\n`);
    this.timer ??= setInterval(() => this.draw(), 1000);
    this.draw();
  },
  line() {
    const parts = [...this.states].map(([name, state]) => `${name} ${state}`);
    const text = `[switchyard] ${elapsed()}: ${parts.join(', ')}`;
    return text.length > process.stdout.columns - 1 ? `${text.slice(0, process.stdout.columns - 2)}…` : text;
  },
  draw() {
    process.stdout.write(`\r\x1b[K${this.line()}`);
    this.shown = true;
  },
  /** Writes `text` above the status line. */
  write(out, text) {
    if (this.shown) process.stdout.write('\r\x1b[K');
    out.write(text);
    if (this.shown) this.draw();
  },
  done() {
    clearInterval(this.timer);
    if (this.shown) process.stdout.write('\r\x1b[K');
    this.shown = false;
    this.tty = false;
    this.states.clear();
  },
};

function say(line) {
  progress.write(process.stdout, `[switchyard] ${line}\n`);
}

function prefixLines(name, stream, out) {
  let rest = '';
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) progress.write(out, `${name.padEnd(8)}| ${line}\n`);
  });
}

/**
 * One service under supervision: `start()` spawns it (with an IPC channel, so it stops by itself
 * if this process dies, and so it can hand over what must not go through logs); an exit that was
 * not asked for is logged, counted and followed by a new start after the backoff. With `spare`,
 * a second copy waits beside it with its modules loaded (SWITCHYARD_STANDBY): a restart wakes the
 * spare instead of loading everything again, and a new spare is made once that one has started.
 */
function supervise(name, spawnIt, { onMessage, spare = false } = {}) {
  if (stopping) return undefined;
  const entry = { name, child: undefined, spare: undefined, restarts: 0, delay: FIRST_DELAY_MS, timer: undefined };
  const launch = (extraEnv) => {
    const child = spawnIt(extraEnv);
    if (child.stdout) prefixLines(name, child.stdout, process.stdout);
    if (child.stderr) prefixLines(name, child.stderr, process.stderr);
    child.on('message', (message) => {
      if (message?.standby) {
        child.standing = true;
        announceSpares();
      }
      // The first spares wait until the whole stack is up: they would slow its first start.
      if (message?.started && entry.child === child && stackUp) entry.makeSpare?.();
      onMessage?.(message);
    });
    return child;
  };
  const makeSpare = () => {
    if (entry.spare || stopping) return;
    const child = launch({ SWITCHYARD_STANDBY: '1' });
    entry.spare = child;
    child.on('exit', () => {
      if (entry.spare === child) entry.spare = undefined;
    });
  };
  const start = () => {
    const startedAt = Date.now();
    let child = entry.spare;
    if (child?.standing && child.connected) {
      entry.spare = undefined;
      child.send({ start: true });
      say(`${name} started, pid ${child.pid} (its warm spare)`);
    } else {
      child = launch();
      say(`${name} started, pid ${child.pid}`);
    }
    entry.child = child;
    child.on('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - startedAt > STABLE_MS) entry.delay = FIRST_DELAY_MS;
      entry.restarts += 1;
      say(
        `${name} exited (${signal ?? code}); restart ${entry.restarts} in ${(entry.delay / 1000).toFixed(1)} s, the others keep serving`,
      );
      entry.timer = setTimeout(() => {
        if (!stopping) start();
      }, entry.delay);
      entry.delay = Math.min(entry.delay * 2, MAX_DELAY_MS);
    });
  };
  if (spare) entry.makeSpare = makeSpare;
  start();
  supervised.push(entry);
  return entry;
}

/** What every service is started with: this environment without what must be one process's own. */
function serviceEnv(env) {
  // One port can serve one process's /metrics; under npm start each serves its own on its port.
  const { METRICS_PORT: _one, ...inherited } = process.env;
  // V8's compiled code cached on disk: a restarted service loads its modules sooner.
  const compileCache = { NODE_COMPILE_CACHE: join(root, 'node_modules', '.cache', 'node-compile') };
  // Services tell this process what they are doing (migrating; where MQTT listens).
  return { ...compileCache, ...inherited, SWITCHYARD_PROGRESS: '1', ...env };
}

function node(script, env) {
  return (extraEnv) =>
    spawn(process.execPath, [script], {
      cwd: root,
      env: serviceEnv({ ...env, ...extraEnv }),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
}

/** Resolves when `name` answers /ready on `port`; after 120 s, fails saying what it answered last. */
async function waitReady(name, port) {
  const deadline = Date.now() + 120_000;
  let last = 'nothing listening';
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/ready`);
      if (response.ok) return;
      const body = await response.json().catch(() => ({}));
      last = `/ready answered ${response.status}${body.reason ? `: ${body.reason}` : ''}`;
    } catch (error) {
      last = `not listening on ${port} (${error.cause?.code ?? error.message})`;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} was not ready within 120 s (last: ${last}; state: ${progress.last.get(name) ?? 'unknown'})`);
}

/**
 * SIGTERM, then SIGKILL if the process has not drained and exited within 15 s; to its whole
 * process group when it leads one (the embedded PostgreSQL wrapper and its postgres).
 */
async function terminate(child, group = false) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (group) process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  }, 15_000);
  await exited;
  clearTimeout(timer);
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  for (const entry of supervised) clearTimeout(entry.timer);
  // Gateway first, so no request reaches a subgraph that is going away; the database last.
  for (const entry of [...supervised].reverse()) {
    await Promise.all([terminate(entry.child, entry.group), terminate(entry.spare)]);
  }
  progress.done();
  rmSync(listenersFile({ DATA_DIR: dataDir() }), { force: true });
  // Stopped before everything was ready: the first admin's password was not shown yet.
  announceAdmin();
  say('stopped');
  process.exit(code);
}

/** Resolves when nothing listens on `port`; the name of what would have used it otherwise. */
function portFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}

/** What npm start listens on, for other tools (the seed): removed when it stops. */
const listenersFile = (env) => join(env.DATA_DIR, 'listeners.json');
const dataDir = () => resolve(root, process.env.DATA_DIR ?? '.data');

let admin;
let adminShown = false;
function announceAdmin() {
  if (!admin || adminShown) return;
  adminShown = true;
  say(`admin created: ${admin.email} / ${admin.password} (shown once; change it with changePassword)`);
}

async function main() {
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGHUP', () => void stop(0));
  // npm exits on SIGTERM without passing it on: a parent gone (this process adopted) stops us too.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void stop(0), 500).unref();
  const env = {
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    DATA_DIR: dataDir(),
  };
  // The registry: every subgraph, its package and its port (<PREFIX>_PORT overrides).
  const services = readRegistry(join(root, 'supergraph.yaml')).map((entry) => ({
    ...entry,
    port: Number(process.env[`${entry.envPrefix}_PORT`] ?? entry.port),
  }));
  const gatewayPort = Number(process.env.GATEWAY_PORT ?? 4000);
  const pgPort = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  const ports = [{ name: 'gateway', port: gatewayPort }, ...services];
  if (!process.env.DATABASE_URL) ports.push({ name: 'embedded PostgreSQL', port: pgPort });
  const taken = [];
  for (const { name, port } of ports) if (!(await portFree(port))) taken.push(`${port} (${name})`);
  if (taken.length) {
    say(
      `port ${taken.join(', ')} already in use: is another Switchyard still running? Stop it, or set the *_PORT variables.`,
    );
    process.exit(1);
  }

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    say(`starting embedded PostgreSQL (data in ${env.DATA_DIR}, port ${pgPort})`);
    progress.set('PostgreSQL', 'starting');
    databaseUrl = await new Promise((ok, fail) => {
      const entry = supervise(
        'postgres',
        () =>
          spawn(process.execPath, [join(__dirname, 'embedded-postgres.js')], {
            cwd: root,
            env: { ...process.env, ...env, EMBEDDED_PG_PORT: String(pgPort) },
            // Its own process group: Ctrl-C in the terminal must not stop the database under
            // services that are still draining; it is stopped last.
            detached: true,
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          }),
        {
          onMessage: (message) => {
            if (!message?.url) return;
            progress.set('PostgreSQL', 'ready');
            ok(message.url);
          },
        },
      );
      if (!entry) return fail(new Error('stopped before PostgreSQL started'));
      entry.group = true;
      entry.child.once('exit', (code) => {
        if (!databaseUrl) fail(new Error(`embedded PostgreSQL did not start (exit ${code})`));
      });
    });
  }
  // The gateway signs who is calling; the subgraphs hold only its public key.
  const gatewayKey = await gatewaySigningKey({ ...process.env, ...env });
  const usersPort = services.find(({ name }) => name === 'users')?.port;
  const shared = {
    ...env,
    DATABASE_URL: databaseUrl,
    GATEWAY_PUBLIC_KEYS: JSON.stringify(publicHalf(gatewayKey)),
    ...(usersPort && !process.env.USERS_URL && { USERS_URL: `http://127.0.0.1:${usersPort}` }),
  };

  let mqtt;
  await Promise.all(
    services.map(async ({ name, port, packageDir }) => {
      progress.set(name, 'starting');
      supervise(name, node(join(packageDir, 'dist', 'main.js'), { ...shared, HOST: '127.0.0.1', PORT: String(port) }), {
        onMessage: (message) => {
          if (message?.adminCreated) admin = message.adminCreated;
          if (message?.progress) progress.set(name, message.progress);
          if (message?.mqtt) mqtt = message.mqtt;
        },
        spare: spares,
      });
      await waitReady(name, port);
      progress.set(name, 'ready');
    }),
  );

  if (stopping) return;
  progress.set('gateway', 'starting');
  supervise(
    'gateway',
    node(join('gateway', 'dist', 'main.js'), {
      ...shared,
      PORT: String(gatewayPort),
      GATEWAY_SIGNING_KEY: JSON.stringify(gatewayKey),
      SUBGRAPH_URLS: services.map(({ name, port }) => `${name}=http://127.0.0.1:${port}/graphql`).join(','),
      // The gateway's heap setting, unless you chose one yourself.
      NODE_OPTIONS: /--max-old-space-size/.test(process.env.NODE_OPTIONS ?? '')
        ? process.env.NODE_OPTIONS
        : [process.env.NODE_OPTIONS, gatewayNodeOptions()].filter(Boolean).join(' '),
    }),
    { spare: spares },
  );
  await waitReady('gateway', gatewayPort);
  if (stopping) return;
  progress.set('gateway', 'ready');
  progress.done();

  say(`gateway ready at http://localhost:${gatewayPort}/graphql after ${elapsed()}`);
  const gatewayOrigin = `http://localhost:${gatewayPort}`;
  // What the gateway serves to browsers, by its own rule and settings.
  const { sandbox, pages } = servedPages(
    parseEnv({ NODE_ENV: gatewayEnv.NODE_ENV, SANDBOX: gatewayEnv.SANDBOX, DASHBOARD: gatewayEnv.DASHBOARD }),
  );
  const page = (name) => (pages.includes(name) ? `${gatewayOrigin}/${name}` : 'off (SANDBOX, DASHBOARD, NODE_ENV)');
  const listeners = {
    gateway: `${gatewayOrigin}/graphql`,
    graphiql: page('graphiql'),
    dashboard: page('dashboard'),
    metrics: [`${gatewayOrigin}/metrics`, ...services.map(({ port }) => `http://127.0.0.1:${port}/metrics`)],
    mqtt: mqtt ?? { off: 'ingestion did not say (see its log)' },
    subgraphs: Object.fromEntries(services.map(({ name, port }) => [name, `http://127.0.0.1:${port}/graphql`])),
    postgres: process.env.DATABASE_URL ? 'DATABASE_URL' : `127.0.0.1:${pgPort} (embedded, data in ${env.DATA_DIR})`,
  };
  const rows = [
    ['GraphQL', `${listeners.gateway} (HTTP and WebSocket${sandbox ? '; Apollo Sandbox in a browser' : ''})`],
    ['GraphiQL', listeners.graphiql],
    ['dashboard', listeners.dashboard],
    ['health', `${gatewayOrigin}/health, ${gatewayOrigin}/ready`],
    ['metrics', `${listeners.metrics[0]}, and each subgraph's at http://127.0.0.1:<its port>/metrics`],
    [
      'MQTT',
      listeners.mqtt.url
        ? `${listeners.mqtt.url} (${listeners.mqtt.external ? 'external broker' : 'sensors/<code>/readings, an API token as the password'})`
        : `off: ${listeners.mqtt.off}`,
    ],
    ['subgraphs', services.map(({ name, port }) => `${name} :${port}`).join(', ')],
    ['PostgreSQL', listeners.postgres],
  ];
  say('listening:');
  for (const [name, where] of rows) say(`  ${name.padEnd(10)} ${where}`);
  // For `npm run seed`, which prints commands with the real MQTT URL.
  try {
    mkdirSync(env.DATA_DIR, { recursive: true });
    writeFileSync(listenersFile(env), `${JSON.stringify(listeners, null, 2)}\n`);
  } catch (error) {
    say(`could not write ${listenersFile(env)}: ${error.message}`);
  }
  if (admin) announceAdmin();
  else if (process.env.ADMIN_EMAIL) say(`admin: ${process.env.ADMIN_EMAIL} (ADMIN_PASSWORD from your environment)`);
  else say('admin: made on the first start, when its password was printed');
  say('press Ctrl-C to stop');
  stackUp = true;
  for (const entry of supervised) entry.makeSpare?.();
}

main().catch((error) => {
  console.error(error);
  void stop(1);
});
