// npm run bench:ingest — sensor readings into `npm start`'s stack (each service its own process,
// NODE_ENV=production) over one fresh database: ingestReadings through the gateway (batches of 1,000 and 10,000; 1 and
// 4 callers; as ReadingInput objects and as ReadingColumns), MQTT at QoS 1 (one reading per message, and lists) into the ingestion's broker, and
// a raw COPY of the same rows into a table shaped like sensors.readings (the median of three runs;
// the target is judged against COPY as text, and COPY in its binary form is printed beside it),
// each with readings/s and its ratio to COPY; then the p50/p99 of a 30-day hourly `Sensor.series`
// once BENCH_SERIES_READINGS (default 10,000,000) readings are stored (the target is judged only
// when the series has all its 720 points). Every contender's rows are counted back from the
// database. Scale with BENCH_SENSORS (100), BENCH_ROWS (per ingestReadings contender, 200,000),
// BENCH_MQTT_ROWS (100,000), BENCH_RUNS (300 series reads, after BENCH_WARMUP 2,000); BENCH_MQTT_URL uses that broker
// instead of the ingestion's own (MQTT_URL of the ingestion service).
import { randomBytes } from 'node:crypto';
import { numberSetting } from '@switchyard/cli';
import { GraphQLClient } from '@switchyard/testing';
import pg from 'pg';
import { benchCatalogue, type BenchSensor, type Reading, readings } from './ingest/catalogue.js';
import { type Run, viaCopy, viaIngestReadings, viaMqtt } from './ingest/contenders.js';
import { timedReads } from './ingest/reader.js';
import { cpuNow, cpuSpent } from './cpu.js';
import { benchDatabase, scrapeMetric } from './measure.js';
import { npmStartStack, productionSettings } from './npm-start.js';

const SENSORS = numberSetting('BENCH_SENSORS', 100, 1);
const ROWS = numberSetting('BENCH_ROWS', 200_000, 1);
const MQTT_ROWS = numberSetting('BENCH_MQTT_ROWS', 100_000);
const SERIES_READINGS = numberSetting('BENCH_SERIES_READINGS', 10_000_000);
const RUNS = numberSetting('BENCH_RUNS', 300, 1);
// Reads before the timed ones: about what V8 takes here to settle on its optimised code (with a
// tenth of the runs, the first seconds of reads paid for compiling in the sensors and gateway
// processes, up to 20 ms of CPU a read).
const WARMUP = numberSetting('BENCH_WARMUP', 2000, 0);
const ADMIN = { email: 'bench-admin@switchyard.local', password: 'bench-admin-password' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function main() {
  const db = await benchDatabase('switchyard_bench_ingest');
  const external = process.env.BENCH_MQTT_URL;
  // The ingestion's broker is BENCH_MQTT_URL's or its own, never one the shell happens to name,
  // and events go over the zero-setup bus (PostgreSQL), as a newcomer's would.
  delete process.env.MQTT_URL;
  delete process.env.REDIS_URL;
  delete process.env.NATS_URL;
  // As deployed: in production, where graphql-js, Apollo Server and the services skip what only
  // helps a developer.
  const metricsToken = randomBytes(16).toString('hex');
  const stack = await npmStartStack(db.url, {
    ...(await productionSettings()),
    METRICS_TOKEN: metricsToken,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    WARM_SPARES: 'false',
    ...(external && { MQTT_URL: external }),
  });
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  try {
    const client = new GraphQLClient(stack.gatewayUrl);
    const { login } = await client.data(
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
      {
        e: ADMIN.email,
        p: ADMIN.password,
      },
    );
    const admin = client.as(login.token);
    const sensors = await benchCatalogue(admin, SENSORS);
    const { createApiToken } = await admin.data(
      'mutation { createApiToken(name: "bench platform", scopes: ["sensors:write"]) { token } }',
    );
    const platform = client.as(createApiToken.token);
    const stored = (from: string, to: string) => async () =>
      (await sql.query('select count(*)::int as n from sensors.readings where at between $1 and $2', [from, to]))
        .rows[0].n as number;

    // Each contender writes its own hour-long slices of the last day, one reading per sensor per second.
    const now = Date.now();
    let slot = 0;
    const window = (count: number) => {
      const start = new Date(Math.floor(now / HOUR) * HOUR - ++slot * 2 * HOUR);
      const rows = readings(sensors, start, count, 1);
      return { rows, stored: stored(rows[0]!.at, rows.at(-1)!.at) };
    };
    const checked = async (run: Run, count: () => Promise<number>) => {
      const n = await count();
      if (n !== run.rows) throw new Error(`${run.label}: ${n} of ${run.rows} readings stored`);
      console.log(`  ${run.label}: ${rate(run)} readings/s; ${cpuPer10k(run)}`);
      return run;
    };
    // Where each contender's time went: CPU of the gateway, ingestion, PostgreSQL and this bench.
    const timed = async <R extends Run>(contender: () => Promise<R>): Promise<R> => {
      const before = await cpuNow(stack.stamps, ['gateway', 'ingestion']);
      const run = await contender();
      return { ...run, cpu: cpuSpent(before, await cpuNow(stack.stamps, ['gateway', 'ingestion'])) };
    };

    console.log(
      `bench:ingest — ${SENSORS} sensors, ${ROWS.toLocaleString('en')} readings per ingestReadings contender`,
    );
    const ingest: Run[] = [];
    const forms = { objects: [] as Run[], columns: [] as Run[] };
    for (const form of ['objects', 'columns'] as const) {
      for (const [batch, callers] of [
        [1000, 1],
        [10_000, 1],
        [1000, 4],
        [10_000, 4],
      ] as const) {
        const w = window(ROWS);
        const run = await checked(
          await timed(() => viaIngestReadings(platform, w.rows, batch, callers, `${form}${batch}x${callers}`, form)),
          w.stored,
        );
        forms[form].push(run);
        ingest.push(run);
      }
    }
    const same = window(ROWS);
    // The target is judged against COPY as text (as psql sends it); COPY in its binary form (as
    // ingestion stores readings) is printed beside it.
    const [copy, binaryCopy] = await medianCopies(db.url, sensors, same.rows);

    const brokerUrl = external ?? `mqtt://127.0.0.1:${stack.ports.MQTT_PORT}`;
    const mqtt: Array<Run & { stored: number }> = [];
    for (const perMessage of [1, 100]) {
      const w = window(MQTT_ROWS);
      const run = await timed(() => viaMqtt(brokerUrl, createApiToken.token, w.rows, perMessage, w.stored));
      console.log(`  ${run.label}: ${rate(run)} readings/s, ${run.rows - run.stored} lost; ${cpuPer10k(run)}`);
      mqtt.push(run);
    }
    const doubled = await scrapeMetric(
      `http://127.0.0.1:${stack.ports.INGESTION_PORT}`,
      'mqtt_readings_duplicate_total',
      metricsToken,
    );

    const series = await seriesLatency(
      sql,
      platform,
      admin,
      { url: stack.gatewayUrl, token: login.token },
      sensors,
      stack.stamps,
    );

    console.log('\npath | readings | seconds | readings/s | vs COPY | CPU per 10,000 readings');
    for (const run of [...ingest, copy, binaryCopy, ...mqtt]) {
      console.log(
        `${run.label} | ${run.rows.toLocaleString('en')} | ${run.seconds.toFixed(2)} | ${rate(run)} | ${(perSecond(run) / perSecond(copy)).toFixed(2)}${run.note ? ` (${run.note})` : ''} | ${cpuPer10k(run).replace('CPU per 10,000 readings: ', '')}`,
      );
    }
    console.log('');
    for (const [form, runs] of Object.entries(forms)) {
      const best = Math.max(...runs.map(perSecond)) / perSecond(copy);
      const slowest = Math.min(...runs.map(perSecond)) / perSecond(copy);
      const bestBinary = Math.max(...runs.map(perSecond)) / perSecond(binaryCopy);
      console.log(
        `ingestReadings (${form}) vs COPY: best ${best.toFixed(2)}, slowest ${slowest.toFixed(2)} (target >= 0.5: ${best >= 0.5 ? 'met' : 'NOT met'} by the best, ${slowest >= 0.5 ? 'met' : 'NOT met'} by all); vs binary COPY: best ${bestBinary.toFixed(2)}`,
      );
    }
    const single = mqtt[0]!;
    console.log(
      `MQTT one reading per message: ${rate(single)} readings/s (target >= 20,000: ${perSecond(single) >= 20_000 ? 'met' : 'NOT met'}), ${single.rows - single.stored} lost, ${doubled ?? 'n/a'} stored twice (redeliveries counted as duplicates)`,
    );
    console.log(
      `30-day hourly Sensor.series over ${series.total.toLocaleString('en')} readings: p50 ${series.p50.toFixed(1)} ms, p99 ${series.p99.toFixed(1)} ms, max ${series.max.toFixed(1)} ms (${series.runs} runs after ${WARMUP.toLocaleString('en')} unmeasured reads; target p99 <= 20 ms: ${series.points < 720 ? `not judged, the series has ${series.points} of its 720 points` : series.p99 <= 20 ? 'met' : 'NOT met'}); the sensor without its series: p50 ${series.bare.p50.toFixed(1)} ms, p99 ${series.bare.p99.toFixed(1)} ms`,
    );
    console.log(`CPU per series read (ms): ${series.cpu}; per bare read: ${series.bare.cpu}`);
  } finally {
    await sql.end();
    await stack.stop();
    await db.drop();
  }
}

const perSecond = (run: Run) => run.rows / run.seconds;

/**
 * COPY of `rows` as text and as binary: for each the median of three, each into a fresh table (a
 * COPY is over in well under a second, and one run swings widely), the two taken in turn so that
 * neither meets all the checkpoints the other's writes bring on.
 */
async function medianCopies(db: string, sensors: BenchSensor[], rows: Reading[]): Promise<[Run, Run]> {
  const runs = { text: [] as Run[], binary: [] as Run[] };
  for (let i = 0; i < 3; i++) {
    for (const format of ['text', 'binary'] as const) runs[format].push(await viaCopy(db, sensors, rows, format));
  }
  const [text, binary] = [runs.text, runs.binary].map((copies) => {
    const copy = [...copies].sort((a, b) => a.seconds - b.seconds)[1]!;
    console.log(
      `  ${copy.label}: ${rate(copy)} readings/s (the median of ${copies.map(rate).join(', ')}); ${cpuPer10k(copy)}`,
    );
    return copy;
  });
  return [text!, binary!];
}

/** CPU per 10,000 readings, by process (n/a where /proc could not tell). */
function cpuPer10k({ cpu, rows }: Run): string {
  const ms = (seconds: number | undefined) =>
    seconds === undefined ? 'n/a' : `${Math.round((seconds * 1000 * 10_000) / rows)} ms`;
  if (!cpu) return 'CPU n/a';
  const services = Object.entries(cpu.services).map(([name, seconds]) => `${name} ${ms(seconds)}, `);
  return `CPU per 10,000 readings: ${services.join('')}PostgreSQL ${ms(cpu.postgres)}, this bench ${ms(cpu.bench)}`;
}
const rate = (run: Run) => Math.round(perSecond(run)).toLocaleString('en');

/**
 * Where the store holds fewer than SERIES_READINGS, fills it to that many and to at least 31 days
 * (every sensor, one reading every 30 s, ending a day ago, through ingestReadings), then times a 30-day hourly series of one sensor through the gateway
 * (from a process of its own, over one kept-alive connection: timedReads).
 */
async function seriesLatency(
  sql: pg.Client,
  platform: GraphQLClient,
  admin: GraphQLClient,
  reader: { url: string; token: string },
  sensors: BenchSensor[],
  stamps: Array<[number, string]>,
) {
  const have = (await sql.query('select count(*)::int as n from sensors.readings')).rows[0].n as number;
  const missing = Math.max(0, SERIES_READINGS - have);
  const end = Math.floor(Date.now() / DAY) * DAY - DAY;
  // Enough for the series to have all its points, whatever the contenders stored before.
  const perSensor = missing && Math.max(Math.ceil(missing / sensors.length), (31 * DAY) / 30_000);
  const start = new Date(end - perSensor * 30_000);
  const started = performance.now();
  const count = perSensor * sensors.length;
  if (count) await viaIngestReadings(platform, readings(sensors, start, count, 30), 10_000, 4, 'series', 'columns');
  const total = (await sql.query('select count(*)::int as n from sensors.readings')).rows[0].n as number;
  console.log(
    `  stored ${count.toLocaleString('en')} more readings for the series in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  // The steady state autovacuum brings after a load (statistics, the visibility map that lets a
  // series be read from the index alone), and the checkpoint that writes the load's pages out, now
  // rather than while the reads are timed.
  await sql.query('vacuum (analyze) sensors.readings, sensors.rollups');
  await sql.query('checkpoint');
  const to = new Date(end);
  const from = new Date(end - 30 * DAY);
  const SERIES =
    'query($id: ID!, $f: DateTimeISO!, $t: DateTimeISO!) { sensor(id: $id) { series(from: $f, to: $t, bucket: "1h") { start count avg min max } } }';
  const id = sensors[Math.floor(sensors.length / 2)]!.id;
  const variables = { id, f: from.toISOString(), t: to.toISOString() };
  const { sensor } = await admin.data(SERIES, variables);
  if (perSensor * 30_000 >= 30 * DAY && sensor.series.length !== 720)
    throw new Error(`the series has ${sensor.series.length} points, not 720`);
  // Each read timed, after the services' warm-up, with the CPU every process used meanwhile (per
  // read, the reader's own warm-up of a tenth of the runs included).
  const services = ['gateway', 'sensors', 'users', 'sessions', 'benchmarks', 'ingestion', 'cleanup'];
  const readerWarmup = Math.ceil(RUNS / 10);
  const timedWithCpu = async (query: string, vars: Record<string, unknown>) => {
    const reads = { read: { query, variables: vars } };
    if (WARMUP) await timedReads({ ...reader, runs: WARMUP, warmup: 0, reads });
    const before = await cpuNow(stamps, services);
    const { read } = await timedReads({ ...reader, runs: RUNS, warmup: readerWarmup, reads });
    const cpu = cpuSpent(before, await cpuNow(stamps, services));
    const ms = (seconds?: number) =>
      seconds === undefined ? 'n/a' : ((seconds * 1000) / (RUNS + readerWarmup)).toFixed(2);
    const each = Object.entries(cpu.services).map(([name, seconds]) => `${name} ${ms(seconds)}`);
    return { ...read!, cpu: `${each.join(', ')}, PostgreSQL ${ms(cpu.postgres)}` };
  };
  const series = await timedWithCpu(SERIES, variables);
  // For scale: the same sensor without its series, through the same gateway.
  const bare = await timedWithCpu('query($id: ID!) { sensor(id: $id) { code } }', { id });
  return { total, points: sensor.series.length as number, ...series, bare };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
