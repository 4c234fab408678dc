import { randomUUID } from 'node:crypto';
import { connectAsync } from 'mqtt';
import seedrandom from 'seedrandom';

export interface FeedOptions {
  /** Gateway GraphQL endpoint (ingestReadings), unless `mqtt` is given. */
  url: string;
  /** An API token with scope sensors:write (GraphQL only). */
  token?: string;
  /** A broker: readings go to sensors/<code>/readings instead. */
  mqtt?: string;
  sensors: string[];
  /** Rounds of one reading per sensor; the rounds' instants are `stepMs` apart, ending now. */
  rounds: number;
  stepMs: number;
  /** Real time between rounds (0: as fast as they go). */
  intervalMs: number;
  seed: string;
}

export interface FeedReport {
  sent: number;
  accepted: number;
  rejected: number;
}

const INGEST = `mutation($b: ID!, $r: [ReadingInput!]!) { ingestReadings(batchId: $b, readings: $r) {
  accepted duplicates rejected { index reason } } }`;

/** A random walk per sensor, reproducible from the seed. */
function walker(seed: string) {
  const levels = new Map<string, { value: number; random: () => number }>();
  return (code: string) => {
    let level = levels.get(code);
    if (!level) {
      const random = seedrandom(`${seed}:${code}`);
      level = { value: 20 + random() * 60, random };
      levels.set(code, level);
    }
    level.value += (level.random() - 0.5) * 2;
    return Math.round(level.value * 1000) / 1000;
  };
}

/**
 * Sends `rounds` readings of every sensor: over GraphQL one ingestReadings batch per round (a
 * failed call is retried with the same batch id, so nothing is stored twice), or over MQTT one
 * QoS 1 message per sensor and round.
 */
export async function feed(options: FeedOptions, log: (line: string) => void = () => {}): Promise<FeedReport> {
  const next = walker(options.seed);
  const end = Date.now();
  const report: FeedReport = { sent: 0, accepted: 0, rejected: 0 };
  const client = options.mqtt
    ? await connectAsync(options.mqtt, {
        clientId: `sensor-feed-${randomUUID()}`,
        // A broker of Switchyard's own takes the token as the password.
        ...(options.token && { username: 'sensor-feed', password: options.token }),
      })
    : undefined;
  try {
    for (let round = 0; round < options.rounds; round++) {
      const at = new Date(end - (options.rounds - 1 - round) * options.stepMs).toISOString();
      const readings = options.sensors.map((sensorCode) => ({ sensorCode, at, value: next(sensorCode) }));
      if (client) {
        for (const r of readings) {
          await client.publishAsync(`sensors/${r.sensorCode}/readings`, JSON.stringify({ at: r.at, value: r.value }), {
            qos: 1,
          });
        }
      } else {
        const result = await send(options, randomUUID(), readings);
        report.accepted += result.accepted + result.duplicates;
        report.rejected += result.rejected.length;
        for (const r of result.rejected) log(`rejected ${readings[r.index]!.sensorCode} at ${at}: ${r.reason}`);
      }
      report.sent += readings.length;
      if (options.intervalMs && round < options.rounds - 1) await new Promise((r) => setTimeout(r, options.intervalMs));
    }
  } finally {
    await client?.endAsync();
  }
  return report;
}

async function send(options: FeedOptions, batchId: string, readings: unknown[]) {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        body: JSON.stringify({ query: INGEST, variables: { b: batchId, r: readings } }),
      });
      const body = (await response.json()) as {
        data?: {
          ingestReadings: { accepted: number; duplicates: number; rejected: Array<{ index: number; reason: string }> };
        };
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      };
      if (body.data?.ingestReadings) return body.data.ingestReadings;
      const error = body.errors?.[0];
      // Refusals are final; anything else is worth another try with the same batch id.
      if (
        error &&
        ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'CONFLICT'].includes(String(error.extensions?.code))
      ) {
        throw Object.assign(new Error(error.message), { final: true });
      }
      throw new Error(error?.message ?? `HTTP ${response.status}`);
    } catch (error) {
      if ((error as { final?: boolean }).final || attempt === 5) throw error;
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
  }
}
