#!/usr/bin/env node
// npm run seed -- --demo: demo data through the gateway's GraphQL API, as the admin, for the
// README's examples (a site with sensors, tickers on the admin's watchlist, an API token).
// What exists is kept, so it can run again. Exit codes: 0 done, 1 a failure, 2 bad arguments.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
// Built by npm start, which comes first (the seed talks to its gateway).
const { callGateway, parseCommandLine, runCommand, UsageError } = require('../packages/cli/dist/index.js');

const root = resolve(__dirname, '..');
if (existsSync(join(root, '.env'))) process.loadEnvFile(join(root, '.env'));

const HELP = `Usage: npm run seed -- --demo [options]

  --demo            create the demo data (a site DEMO, equipment DEMO-PUMP, sensors PUMP-T1 and
                    PUMP-P1, tickers ACME, GLOBEX and INITECH on the admin's watchlist, an API token)
  --url URL         gateway GraphQL endpoint (default http://localhost:<GATEWAY_PORT or 4000>/graphql)
  --email E         the admin (default ADMIN_EMAIL, else admin@switchyard.local, made by the first npm start)
  --password P      the admin's password (default ADMIN_PASSWORD; asked for on a terminal)

Exit codes: 0 done, 1 a failure, 2 bad arguments.`;

const SITE = { code: 'DEMO', name: 'Demo plant', kind: 'FACTORY' };
const EQUIPMENT = { code: 'DEMO-PUMP', name: 'Demo pump', location: 'hall 1' };
const SENSORS = [
  { code: 'PUMP-T1', kind: 'temperature', unit: '°C', normalMin: 10, normalMax: 90 },
  { code: 'PUMP-P1', kind: 'pressure', unit: 'bar', normalMin: 1, normalMax: 8 },
];
const TICKERS = ['ACME', 'GLOBEX', 'INITECH'];
/** Wide thresholds: the simulated prices (10 to 500 at first) raise no alert until they wander far. */
const WATCH = { low: 5, high: 1000 };
const TOKEN_SCOPES = ['sensors:write', 'benchmarks:write'];

/** GraphQL calls as `token` (callGateway); an unreachable gateway is most likely a stopped `npm start`. */
function client(url, token) {
  return (query, variables) =>
    callGateway(url, query, variables, token).catch((error) => {
      if (error.code === 'UNREACHABLE') error.message += ': is `npm start` running?';
      throw error;
    });
}

/** Creates with `create`, or, when the code is taken (CONFLICT), finds the existing one. */
async function createOrFind(create, find) {
  try {
    return await create();
  } catch (error) {
    if (error.code !== 'CONFLICT') throw error;
    const found = await find();
    if (!found) throw error;
    return found;
  }
}

/** Every node of a paged list (first/after), until `pick` finds one. */
async function findInPages(page, pick) {
  let after = null;
  do {
    const { nodes, pageInfo } = await page(after);
    const found = nodes.find(pick);
    if (found) return found;
    after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
  } while (after);
  return undefined;
}

/** A password typed on the terminal, not echoed. */
function askPassword(prompt) {
  return new Promise((ok, fail) => {
    const input = process.stdin;
    process.stderr.write(prompt);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    let typed = '';
    const done = (error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) fail(error);
      else ok(typed);
    };
    const onData = (chunk) => {
      for (const char of chunk) {
        // Enter or Ctrl-D ends the password; Ctrl-C ends the seed, as it would anywhere else.
        if (char === '\r' || char === '\n' || char === '\u0004') return done();
        if (char === '\u0003') {
          input.setRawMode(false);
          process.exit(130);
        }
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}

/** Where npm start said MQTT listens (its listeners file), if it is running with this DATA_DIR. */
function mqttListener() {
  try {
    const file = join(resolve(root, process.env.DATA_DIR ?? '.data'), 'listeners.json');
    return JSON.parse(readFileSync(file, 'utf8')).mqtt;
  } catch {
    return undefined;
  }
}

async function seed(url, email, password) {
  const anonymous = client(url);
  let token;
  try {
    ({
      login: { token },
    } = await anonymous(
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { role } } }',
      {
        e: email,
        p: password,
      },
    ));
  } catch (error) {
    if (error.code !== 'UNAUTHENTICATED') throw error;
    throw new Error(`cannot sign in as ${email}: ${error.message} (the password npm start printed on its first start)`);
  }
  const admin = client(url, token);

  const site = await createOrFind(
    async () =>
      (
        await admin(
          'mutation($c: String!, $n: String!, $k: SiteKind!) { createSite(code: $c, name: $n, kind: $k) { id code } }',
          {
            c: SITE.code,
            n: SITE.name,
            k: SITE.kind,
          },
        )
      ).createSite,
    () =>
      findInPages(
        async (after) =>
          (
            await admin(
              'query($a: String) { sites(first: 100, after: $a) { nodes { id code } pageInfo { endCursor hasNextPage } } }',
              { a: after },
            )
          ).sites,
        (s) => s.code === SITE.code,
      ),
  );
  const equipment = await createOrFind(
    async () =>
      (
        await admin(
          'mutation($s: ID!, $c: String!, $n: String!, $l: String) { createEquipment(siteId: $s, code: $c, name: $n, location: $l) { id code } }',
          { s: site.id, c: EQUIPMENT.code, n: EQUIPMENT.name, l: EQUIPMENT.location },
        )
      ).createEquipment,
    () =>
      findInPages(
        async (after) =>
          (
            await admin(
              'query($s: ID!, $a: String) { site(id: $s) { equipment(first: 100, after: $a) { nodes { id code } pageInfo { endCursor hasNextPage } } } }',
              { s: site.id, a: after },
            )
          ).site.equipment,
        (e) => e.code === EQUIPMENT.code,
      ),
  );
  const { sensorsByCode } = await admin('query($c: [String!]!) { sensorsByCode(codes: $c) { id code } }', {
    c: SENSORS.map((s) => s.code),
  });
  const sensors = [];
  for (const [i, sensor] of SENSORS.entries()) {
    const made =
      sensorsByCode[i] ??
      (
        await admin('mutation($i: SensorInput!) { createSensor(input: $i) { id code } }', {
          i: { equipmentId: equipment.id, ...sensor },
        })
      ).createSensor;
    sensors.push({ ...sensor, id: made.id });
  }
  for (const symbol of TICKERS) {
    await admin(
      'mutation($s: String!, $h: Float!, $l: Float!) { watch(symbol: $s, high: $h, low: $l) { ticker { symbol } } }',
      {
        s: symbol,
        h: WATCH.high,
        l: WATCH.low,
      },
    );
  }
  const { createApiToken } = await admin(
    'mutation($n: String!, $s: [String!]!) { createApiToken(name: $n, scopes: $s) { token apiToken { id } } }',
    { n: `demo ${new Date().toISOString()}`, s: TOKEN_SCOPES },
  );
  return { site, equipment, sensors, token: createApiToken.token };
}

async function main() {
  const { values } = parseCommandLine(() =>
    parseArgs({
      options: {
        demo: { type: 'boolean', default: false },
        url: { type: 'string', default: `http://localhost:${process.env.GATEWAY_PORT ?? 4000}/graphql` },
        email: { type: 'string', default: process.env.ADMIN_EMAIL ?? 'admin@switchyard.local' },
        password: { type: 'string', default: process.env.ADMIN_PASSWORD },
        help: { type: 'boolean', default: false },
      },
    }),
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.demo) throw new UsageError('nothing to seed: --demo creates the demo data');
  let password = values.password;
  if (!password) {
    if (!process.stdin.isTTY) throw new UsageError('--password (or ADMIN_PASSWORD) is required when not on a terminal');
    password = await askPassword(`password of ${values.email} (npm start printed it on its first start): `);
  }
  const made = await seed(values.url, values.email, password);
  const mqtt = mqttListener();
  const codes = made.sensors.map((s) => s.code).join(',');
  const lines = [
    `seeded through ${values.url}:`,
    `  site       ${SITE.code} (${SITE.name}, ${SITE.kind}) id ${made.site.id}`,
    `  equipment  ${EQUIPMENT.code} (${EQUIPMENT.name}) id ${made.equipment.id}`,
    ...made.sensors.map(
      (s) => `  sensor     ${s.code} (${s.kind}, ${s.unit}, normal ${s.normalMin} to ${s.normalMax}) id ${s.id}`,
    ),
    `  tickers    ${TICKERS.join(', ')} on ${values.email}'s watchlist (low ${WATCH.low}, high ${WATCH.high})`,
    `  API token  ${made.token}`,
    `             scopes ${TOKEN_SCOPES.join(', ')}; shown only now (revokeApiToken to end it)`,
    '',
    'try:',
    `  npm run sensor-feed -- --url ${values.url} --token ${made.token} --sensors ${codes} --rounds 60`,
    mqtt?.url
      ? `  npm run sensor-feed -- --url ${values.url} --mqtt ${mqtt.url} --token ${made.token} --sensors ${made.sensors[0].code} --interval-ms 1000 --rounds 60`
      : `  (MQTT: ${mqtt?.off ?? 'see the MQTT line npm start printed'})`,
  ];
  console.log(lines.join('\n'));
  return 0;
}

runCommand('seed', HELP, main);
