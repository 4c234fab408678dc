#!/usr/bin/env node
// `npm start`: embedded PostgreSQL (unless DATABASE_URL is set), every subgraph listed in
// supergraph.yaml, then the gateway. Ctrl-C stops them all; data stays under DATA_DIR.
'use strict';
const { spawn } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { parse } = require('yaml');

const root = resolve(__dirname, '..');
if (existsSync(join(root, '.env'))) process.loadEnvFile(join(root, '.env'));
const { resolveJwtSecret } = require('../packages/kit/dist/index.js');
const { gatewayNodeOptions } = require('../gateway/dist/node-options.js');

const children = [];
let stopping = false;
let embedded;

function say(line) {
  process.stdout.write(`[switchyard] ${line}\n`);
}

function run(name, script, env, onMessage) {
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, ...env },
    // The IPC channel carries what must not go through logs (the first admin's password).
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  if (onMessage) child.on('message', onMessage);
  const pipe = (stream, out) => {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) {
        out.write(`${name.padEnd(8)}| ${line}\n`);
      }
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping everything`);
      void stop(1);
    }
  });
  children.push({ name, child });
  return child;
}

async function waitReady(name, port) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} was not ready within 120 s`);
}

/** SIGTERM, then SIGKILL if the process has not drained and exited within 15 s. */
async function terminate(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  // Gateway first, so no request reaches a subgraph that is going away.
  for (const { child } of [...children].reverse()) await terminate(child);
  if (embedded) await terminate(embedded);
  say('stopped');
  process.exit(code);
}

async function main() {
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  const env = {
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    DATA_DIR: resolve(root, process.env.DATA_DIR ?? '.data'),
  };
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
    say(`starting embedded PostgreSQL (data in ${env.DATA_DIR}, port ${port})`);
    embedded = spawn(process.execPath, [join(__dirname, 'embedded-postgres.js')], {
      cwd: root,
      env: { ...process.env, ...env, EMBEDDED_PG_PORT: String(port) },
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    databaseUrl = await new Promise((ok, fail) => {
      embedded.once('message', (message) => ok(message.url));
      embedded.once('exit', (code) => fail(new Error(`embedded PostgreSQL did not start (exit ${code})`)));
    });
  }
  const shared = { ...env, DATABASE_URL: databaseUrl, JWT_SECRET: resolveJwtSecret({ ...process.env, ...env }) };

  const config = parse(readFileSync(join(root, 'supergraph.yaml'), 'utf8'));
  let admin;
  const urls = [];
  await Promise.all(
    Object.entries(config.subgraphs).map(async ([name, subgraph]) => {
      const port = Number(process.env[`${name.toUpperCase()}_PORT`] ?? new URL(subgraph.routing_url).port);
      urls.push(`${name}=http://127.0.0.1:${port}/graphql`);
      run(
        name,
        join('subgraphs', name, 'dist', 'main.js'),
        { ...shared, HOST: '127.0.0.1', PORT: String(port) },
        (message) => {
          if (message?.adminCreated) admin = message.adminCreated;
        },
      );
      await waitReady(name, port);
    }),
  );

  const gatewayPort = Number(process.env.GATEWAY_PORT ?? 4000);
  run('gateway', join('gateway', 'dist', 'main.js'), {
    ...shared,
    PORT: String(gatewayPort),
    SUBGRAPH_URLS: urls.join(','),
    NODE_OPTIONS: [process.env.NODE_OPTIONS, gatewayNodeOptions()].filter(Boolean).join(' '),
  });
  await waitReady('gateway', gatewayPort);
  if (stopping) return;

  say(`gateway ready at http://localhost:${gatewayPort}/graphql (Apollo Sandbox in a browser there)`);
  if (admin) say(`admin created: ${admin.email} / ${admin.password} (shown once; change it with changePassword)`);
  else if (process.env.ADMIN_EMAIL) say(`admin: ${process.env.ADMIN_EMAIL} (ADMIN_PASSWORD from your environment)`);
  else say('admin: made on the first start, when its password was printed');
  say('press Ctrl-C to stop');
}

main().catch((error) => {
  console.error(error);
  void stop(1);
});
