import { callGateway } from '@switchyard/cli';
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
  /**
   * Over MQTT, how long to wait for the readings to show through GraphQL (`url`, with `token`):
   * a broker acknowledges what it received, not what was stored. 0 does not look.
   */
  confirmMs?: number;
}

export interface FeedReport {
  sent: number;
  /** Stored: what ingestReadings accepted, or, over MQTT, what GraphQL shows (when confirmed). */
  accepted: number;
  rejected: number;
  /** Over MQTT: whether `accepted` was looked up through GraphQL; sensor codes nobody has. */
  confirmed?: boolean;
  unknown?: string[];
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
  /** Over MQTT, the instants published per sensor, for the confirmation. */
  const published = new Map<string, Set<string>>();
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
          if (!published.has(r.sensorCode)) published.set(r.sensorCode, new Set());
          published.get(r.sensorCode)!.add(r.at);
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
  if (client && options.confirmMs) Object.assign(report, await confirm(options, published, options.confirmMs));
  return report;
}

/** A query through the gateway with the feed's token. */
const graphql = <T>(options: FeedOptions, query: string, variables: Record<string, unknown>) =>
  callGateway<T>(options.url, query, variables, options.token);

const BY_CODE = 'query($c: [String!]!) { sensorsByCode(codes: $c) { id code } }';
const STORED = `query($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!, $after: String) {
  sensor(id: $id) { readings(from: $from, to: $to, first: 100, after: $after) { nodes { at } pageInfo { endCursor hasNextPage } } } }`;

/**
 * Over MQTT the broker's acknowledgement says the message arrived, not that it was stored (an
 * unknown sensor's reading is refused after it; another broker on the port stores nothing): the
 * readings are looked up through GraphQL, until all are there or `waitMs` has passed.
 */
async function confirm(
  options: FeedOptions,
  published: Map<string, Set<string>>,
  waitMs: number,
): Promise<Pick<FeedReport, 'accepted' | 'rejected' | 'confirmed' | 'unknown'>> {
  const codes = [...published.keys()];
  const found: Array<{ id: string; code: string } | null> = [];
  for (let i = 0; i < codes.length; i += 100) {
    const page = codes.slice(i, i + 100);
    found.push(...(await graphql<{ sensorsByCode: typeof found }>(options, BY_CODE, { c: page })).sensorsByCode);
  }
  const unknown = codes.filter((_, i) => !found[i]);
  const known = found.filter((s): s is { id: string; code: string } => s !== null);
  const deadline = Date.now() + waitMs;
  // What is still to be seen, per sensor; each round reads only from its earliest instant on,
  // and rounds come further apart (up to 2 s), so a long run does not spend the rate limit.
  const missing = new Map(known.map(({ id, code }) => [id, new Set(published.get(code))]));
  for (let pause = 250; ; pause = Math.min(pause * 2, 2000)) {
    for (const [id, instants] of missing) {
      const times = [...instants].sort();
      const to = new Date(Date.parse(times.at(-1)!) + 1).toISOString();
      let after: string | null = null;
      do {
        type Page = { nodes: Array<{ at: string }>; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
        const { sensor }: { sensor: { readings: Page } | null } = await graphql(options, STORED, {
          id,
          from: times[0],
          to,
          after,
        });
        const page: Page | undefined = sensor?.readings;
        for (const node of page?.nodes ?? []) instants.delete(new Date(node.at).toISOString());
        after = page?.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      if (!instants.size) missing.delete(id);
    }
    if (!missing.size || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, pause));
  }
  const expected = known.reduce((sum, { code }) => sum + published.get(code)!.size, 0);
  const stored = expected - [...missing.values()].reduce((sum, set) => sum + set.size, 0);
  // Readings of one sensor at one instant are one reading: counted once.
  const distinct = [...published.values()].reduce((sum, set) => sum + set.size, 0);
  return { accepted: stored, rejected: distinct - stored, confirmed: true, unknown };
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
