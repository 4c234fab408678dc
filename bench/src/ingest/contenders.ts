import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { binaryCopyRows } from '@switchyard/kit';
import type { GraphQLClient } from '@switchyard/testing';
import { connectAsync } from 'mqtt';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { cpuNow, type CpuSpent, cpuSpent } from '../cpu.js';
import type { BenchSensor, Reading } from './catalogue.js';

export interface Run {
  label: string;
  rows: number;
  seconds: number;
  note?: string;
  /** The CPU each process spent meanwhile, where measured. */
  cpu?: CpuSpent;
}

const INGEST = `mutation($b: ID!, $r: [ReadingInput!]!) {
  ingestReadings(batchId: $b, readings: $r) { accepted duplicates rejected { index reason } } }`;
const INGEST_COLUMNS = `mutation($b: ID!, $c: ReadingColumns!) {
  ingestReadings(batchId: $b, columns: $c) { accepted duplicates rejected { index reason } } }`;

/** How a batch travels: as ReadingInput objects, or as ReadingColumns (three lists). */
export type Form = 'objects' | 'columns';

const variables = (form: Form, batchId: string, batch: Reading[]) =>
  form === 'objects'
    ? { b: batchId, r: batch }
    : {
        b: batchId,
        c: {
          sensorCodes: batch.map((r) => r.sensorCode),
          times: batch.map((r) => r.at),
          values: batch.map((r) => r.value),
        },
      };

/** ingestReadings through the gateway: batches of `batch` in `form`, taken by `callers` callers at once. */
export async function viaIngestReadings(
  platform: GraphQLClient,
  rows: Reading[],
  batch: number,
  callers: number,
  tag: string,
  form: Form = 'objects',
): Promise<Run> {
  const batches: Array<Record<string, unknown>> = [];
  for (let i = 0; i < rows.length; i += batch) {
    batches.push(variables(form, `${tag}-${i / batch}`, rows.slice(i, i + batch)));
  }
  const sizes = batches.map((_, i) => Math.min(batch, rows.length - i * batch));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < batches.length) {
        const index = next++;
        const { ingestReadings: report } = await platform.data(
          form === 'objects' ? INGEST : INGEST_COLUMNS,
          batches[index],
        );
        if (report.accepted !== sizes[index]) {
          throw new Error(`batch ${index}: ${JSON.stringify(report).slice(0, 300)}`);
        }
      }
    }),
  );
  return {
    label: `ingestReadings${form === 'columns' ? ' as columns' : ''}, batches of ${batch.toLocaleString('en')}, ${callers} caller${callers > 1 ? 's' : ''}`,
    rows: rows.length,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The database's own bulk path: one COPY of the same rows into a table shaped like
 * sensors.readings (same columns, key and indexes, partitioned alike), in one transaction; as
 * text (what `psql \copy` sends) or in COPY's binary form (what ingestion sends).
 */
export async function viaCopy(
  db: string,
  sensors: BenchSensor[],
  rows: Reading[],
  format: 'text' | 'binary' = 'text',
): Promise<Run> {
  const ids = new Map(sensors.map((s) => [s.code, s.id]));
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    await client.query('drop schema if exists bench_copy cascade');
    await client.query('create schema bench_copy');
    const { rows: parts } = await client.query<{ name: string; bound: string }>(
      `select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
       from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'sensors.readings'::regclass`,
    );
    const { rows: key } = await client.query<{ key: string | null }>(
      `select pg_get_partkeydef('sensors.readings'::regclass) as key`,
    );
    await client.query(
      `create table bench_copy.readings (like sensors.readings including all)${key[0]?.key ? ` partition by ${key[0].key}` : ''}`,
    );
    for (const part of parts) {
      await client.query(`create table bench_copy."${part.name}" partition of bench_copy.readings ${part.bound}`);
    }
    const text = (start: number, end: number) => {
      let chunk = '';
      for (let i = start; i < end; i++) {
        const r = rows[i]!;
        chunk += `${ids.get(r.sensorCode)}\t${r.at}\t${r.value}\n`;
      }
      return chunk;
    };
    // Binary: made and sent 10,000 rows at a time too, the header with the first, the trailer with the last.
    const binary = (start: number, end: number) => {
      const slice = rows.slice(start, end);
      return binaryCopyRows(
        [
          { type: 'uuid', values: slice.map((r) => ids.get(r.sensorCode)!) },
          { type: 'timestamptz', values: slice.map((r) => Date.parse(r.at)) },
          { type: 'float8', values: slice.map((r) => r.value) },
        ],
        { header: start === 0, trailer: end === rows.length },
      );
    };
    const cpuBefore = await cpuNow([], []);
    const started = performance.now();
    await client.query('begin');
    await pipeline(
      Readable.from(
        (function* () {
          // A binary COPY of no rows still has its header and trailer.
          for (let i = 0; i < rows.length || (i === 0 && format === 'binary'); i += 10_000) {
            const end = Math.min(rows.length, i + 10_000);
            yield format === 'binary' ? binary(i, end) : text(i, end);
          }
        })(),
      ),
      client.query(
        copyFrom(
          `copy bench_copy.readings (sensor_id, at, value) from stdin${format === 'binary' ? ' (format binary)' : ''}`,
        ),
      ),
    );
    await client.query('commit');
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSpent(cpuBefore, await cpuNow([], []));
    return {
      cpu,
      label: `COPY${format === 'binary' ? ' (binary)' : ''} of the same rows into a table shaped like sensors.readings${parts.length ? ` (${parts.length} partitions)` : ''}`,
      rows: rows.length,
      seconds,
    };
  } finally {
    await client.query('drop schema if exists bench_copy cascade').catch(() => undefined);
    await client.end();
  }
}

/**
 * MQTT at QoS 1 as a sensor platform publishes: `publishers` connections, each with up to
 * `inFlight` messages unacknowledged, `perMessage` readings per message. Timed from the first
 * publish until the database holds every reading (`stored()`).
 */
export async function viaMqtt(
  brokerUrl: string,
  token: string,
  rows: Reading[],
  perMessage: number,
  stored: () => Promise<number>,
  { publishers = 4, inFlight = 1000 } = {},
): Promise<Run & { stored: number }> {
  // One message holds readings of one sensor (its topic); sensors take turns.
  const bySensor = new Map<string, Reading[]>();
  for (const row of rows) {
    const list = bySensor.get(row.sensorCode) ?? [];
    list.push(row);
    bySensor.set(row.sensorCode, list);
  }
  const messages: Array<{ topic: string; body: string }> = [];
  const longest = Math.max(...[...bySensor.values()].map((list) => list.length));
  for (let start = 0; start < longest; start += perMessage) {
    for (const [code, list] of bySensor) {
      const items = list.slice(start, start + perMessage).map((r) => ({ at: r.at, value: r.value }));
      if (!items.length) continue;
      messages.push({ topic: `sensors/${code}/readings`, body: JSON.stringify(perMessage === 1 ? items[0] : items) });
    }
  }
  const clients = await Promise.all(
    Array.from({ length: publishers }, (_, n) =>
      connectAsync(brokerUrl, {
        clientId: `bench-publisher-${n}-${process.pid}`,
        username: 'platform',
        password: token,
        // As a device would: a connection the broker closes (a batch it could not store) comes
        // back, and MQTT.js sends again what was not acknowledged.
        reconnectPeriod: 500,
      }),
    ),
  );
  let reconnects = 0;
  for (const client of clients) client.on('reconnect', () => reconnects++);
  try {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async (client) => {
        let open = 0;
        let wake: (() => void) | undefined;
        const sent: Array<Promise<unknown>> = [];
        while (next < messages.length) {
          const m = messages[next++]!;
          while (open >= inFlight) await new Promise<void>((resolve) => (wake = resolve));
          open++;
          sent.push(
            client.publishAsync(m.topic, m.body, { qos: 1 }).finally(() => {
              open--;
              wake?.();
            }),
          );
        }
        await Promise.all(sent);
      }),
    );
    const acked = (performance.now() - started) / 1000;
    let count = 0;
    const deadline = Date.now() + 600_000;
    while ((count = await stored()) < rows.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return {
      label: `MQTT QoS 1, ${perMessage === 1 ? 'one reading per message' : `${perMessage} readings per message`} (${publishers} publishers)`,
      rows: rows.length,
      seconds: (performance.now() - started) / 1000,
      stored: count,
      note: `broker acknowledged all in ${acked.toFixed(1)} s${reconnects ? `, ${reconnects} reconnects` : ''}`,
    };
  } finally {
    await Promise.all(clients.map((c) => c.endAsync()));
  }
}
