import { randomBytes } from 'node:crypto';
import { freePort, sqlClient, Stack, waitFor } from '@switchyard/testing';
import { connectAsync, type MqttClient } from 'mqtt';
import { loginAdmin, metricOf, type Running, startStack } from './stack.js';

/** A site, equipment and one sensor with a fresh code; returns the code and the sensor's id. */
async function sensorIn(run: Running): Promise<{ code: string; id: string }> {
  const admin = run.client.as(await loginAdmin(run.client));
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const { createSite } = await admin.data(
    'mutation($c: String!) { createSite(code: $c, name: "s", kind: FACTORY) { id } }',
    {
      c: `S-${tag}`,
    },
  );
  const { createEquipment } = await admin.data(
    'mutation($s: ID!, $c: String!) { createEquipment(siteId: $s, code: $c, name: "e") { id } }',
    { s: createSite.id, c: `E-${tag}` },
  );
  const { createSensor } = await admin.data(
    'mutation($e: ID!, $c: String!) { createSensor(input: { equipmentId: $e, code: $c, kind: "t", unit: "C" }) { id } }',
    { e: createEquipment.id, c: `T-${tag}` },
  );
  return { code: `T-${tag}`, id: createSensor.id };
}

const at = (minute: number) => new Date(Date.UTC(2026, 10, 2, 6, minute)).toISOString();

/** An API token that may write sensor readings. */
async function platformToken(run: Running): Promise<string> {
  const admin = run.client.as(await loginAdmin(run.client));
  return (await admin.data('mutation { createApiToken(name: "platform", scopes: ["sensors:write"]) { token } }'))
    .createApiToken.token;
}

/** Publishes, as a sensor platform would (QoS 1), and checks what the sensor then holds. */
async function publishAndRead(run: Running, brokerUrl: string, password?: string) {
  const { code, id } = await sensorIn(run);
  await waitFor(async () => (await metricOf(run.ingestion, 'mqtt_subscribed')) === 1, 30_000, 'the subscription');
  const platform: MqttClient = await connectAsync(brokerUrl, {
    clientId: `platform-${randomBytes(4).toString('hex')}`,
    ...(password && { username: 'platform', password }),
    reconnectPeriod: 0,
  });
  try {
    const topic = `sensors/${code}/readings`;
    await platform.publishAsync(topic, JSON.stringify({ at: at(0), value: 20.5 }), { qos: 1 });
    await platform.publishAsync(
      topic,
      JSON.stringify([
        { at: at(1), value: 21 },
        { at: at(2), value: 'hot' },
        { at: at(3), value: 22.25 },
      ]),
      { qos: 1 },
    );
    await platform.publishAsync(topic, JSON.stringify({ at: at(3), value: 22.25 }), { qos: 1 }); // sent twice
    await platform.publishAsync(topic, 'not json', { qos: 1 });
    await platform.publishAsync('sensors/NO-SUCH-SENSOR/readings', JSON.stringify({ at: at(4), value: 1 }), { qos: 1 });
  } finally {
    await platform.endAsync();
  }
  const admin = run.client.as(await loginAdmin(run.client));
  const READ = 'query($id: ID!) { sensor(id: $id) { latest { at value } readings { nodes { value } } } }';
  const sensor = await waitFor(
    async () => {
      // latest and readings are separate statements: one read may fall between two batches' commits.
      const { sensor: s } = await admin.data(READ, { id });
      return s.readings.nodes.length === 3 && s.latest?.at === at(3) ? s : undefined;
    },
    10_000,
    'the readings',
  );
  expect(sensor).toEqual({
    latest: { at: at(3), value: 22.25 },
    readings: { nodes: [{ value: 22.25 }, { value: 21 }, { value: 20.5 }] },
  });
}

/**
 * Publishes `count` messages of one reading each, all in flight at once (QoS 1), and resolves when
 * the broker has acknowledged every one; returns the sensor's id.
 */
async function publishMany(run: Running, brokerUrl: string, count: number, password?: string): Promise<string> {
  const { code, id } = await sensorIn(run);
  await waitFor(async () => (await metricOf(run.ingestion, 'mqtt_subscribed')) === 1, 30_000, 'the subscription');
  const platform = await connectAsync(brokerUrl, {
    clientId: `platform-${randomBytes(4).toString('hex')}`,
    ...(password && { username: 'platform', password }),
    reconnectPeriod: 0,
  });
  try {
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        platform.publishAsync(
          `sensors/${code}/readings`,
          JSON.stringify({ at: new Date(Date.UTC(2026, 10, 3, 0, 0, i)).toISOString(), value: i }),
          { qos: 1 },
        ),
      ),
    );
  } finally {
    await platform.endAsync();
  }
  return id;
}

async function storedOf(run: Running, sensorId: string): Promise<number> {
  const sql = await sqlClient(run.db);
  try {
    return (await sql.query('select count(*)::int as n from sensors.readings where sensor_id = $1', [sensorId])).rows[0]
      .n;
  } finally {
    await sql.end();
  }
}

async function refusals(run: Running): Promise<string> {
  const text = await (await fetch(`${new URL(run.ingestion.url).origin}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('mqtt_readings_refused_total{'))
    .join('\n');
}

describe('readings over MQTT, through the broker in the ingestion process', () => {
  const stack = new Stack();
  let run: Running;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    // A confirmed token is trusted for an hour here: only the revocation event can end it sooner.
    run = await startStack(stack, { ingestion: { MQTT_PORT: String(port), AUTH_CACHE_SEC: '3600' } });
  });
  afterAll(() => stack.close());

  it('stores what a platform publishes, each reading once, and counts what it refuses', async () => {
    await publishAndRead(run, `mqtt://127.0.0.1:${port}`, await platformToken(run));
    await waitFor(
      async () => (await metricOf(run.ingestion, 'mqtt_readings_duplicate_total')) === 1,
      30_000,
      'the twin',
    );
    expect(await metricOf(run.ingestion, 'mqtt_readings_stored_total')).toBe(3);
    // Messages are stored as they come: the last one (an unknown sensor) may still be on its way.
    const refused = await waitFor(
      async () => {
        const text = await refusals(run);
        return /sensorCode is not a known sensor/.test(text) ? text : undefined;
      },
      30_000,
      'the refusals',
    );
    expect(refused).toMatch(/reason="value must be a number between[^"]*".* 1/);
    expect(refused).toMatch(/reason="not JSON".* 1/);
    expect(refused).toMatch(/reason="sensorCode is not a known sensor".* 1/);
  });

  it('stores messages in micro-batches and acknowledges each only once its batch is stored', async () => {
    const batchesBefore = await metricOf(run.ingestion, 'mqtt_batches_total');
    const sensorId = await publishMany(run, `mqtt://127.0.0.1:${port}`, 500, await platformToken(run));
    // Every publish was acknowledged: every reading is in the database already, none waits.
    expect(await storedOf(run, sensorId)).toBe(500);
    const batches = (await metricOf(run.ingestion, 'mqtt_batches_total')) - batchesBefore;
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(500);
  });

  it('does not let a refused reading take a valid one of the same instant with it', async () => {
    const { code, id } = await sensorIn(run);
    const platform = await connectAsync(`mqtt://127.0.0.1:${port}`, {
      username: 'platform',
      password: await platformToken(run),
      reconnectPeriod: 0,
    });
    try {
      const topic = `sensors/${code}/readings`;
      // Both in flight at once: most likely one micro-batch, the bad one first.
      await Promise.all([
        platform.publishAsync(topic, JSON.stringify({ at: at(7), value: null }), { qos: 1 }),
        platform.publishAsync(topic, JSON.stringify({ at: at(7), value: 5 }), { qos: 1 }),
      ]);
    } finally {
      await platform.endAsync();
    }
    expect(await storedOf(run, id)).toBe(1);
  });

  it('lets in only publishers with a token that may write readings, and lets none of them listen', async () => {
    const url = `mqtt://127.0.0.1:${port}`;
    const options = { reconnectPeriod: 0, connectTimeout: 5000 };
    await expect(connectAsync(url, options)).rejects.toThrow(/Not authorized|Bad username or password/i);
    await expect(connectAsync(url, { ...options, username: 'x', password: 'not-a-token' })).rejects.toThrow(
      /Not authorized|Bad username or password/i,
    );
    const publisher = await connectAsync(url, { ...options, username: 'p', password: await platformToken(run) });
    try {
      // Refused: the broker closes the connection of a client that asks to listen.
      await expect(publisher.subscribeAsync('sensors/#', { qos: 1 })).rejects.toThrow(/Connection closed/);
    } finally {
      await publisher.endAsync(true);
    }
  });

  it('signs devices in as the gateway confirms callers: a revoked token is refused', async () => {
    const url = `mqtt://127.0.0.1:${port}`;
    const options = { reconnectPeriod: 0, connectTimeout: 5000 };
    const admin = run.client.as(await loginAdmin(run.client));
    const { createApiToken } = await admin.data(
      'mutation { createApiToken(name: "revoked", scopes: ["sensors:write"]) { token apiToken { id } } }',
    );
    const signIn = () => connectAsync(url, { ...options, username: 'p', password: createApiToken.token });
    await (await signIn()).endAsync(true);
    await admin.data('mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }', {
      id: createApiToken.apiToken.id,
    });
    // The broker hears of it by event (it is not in this request's path), long before its hour.
    await waitFor(
      () =>
        signIn().then(
          async (client) => void (await client.endAsync(true)),
          (error: Error) => /Not authorized|Bad username or password/i.test(error.message),
        ),
      20_000,
      'the revoked token refused',
    );
  });
});

// An external broker (Mosquitto) where MQTT_URL is set; .ci/run sets it to the local one.
const external = process.env.MQTT_URL ? describe : describe.skip;
external('readings over MQTT, through an external broker', () => {
  const stack = new Stack();
  let run: Running;

  beforeAll(async () => {
    // A group and a session of this run's own, on a broker others may share.
    run = await startStack(stack, {
      ingestion: {
        MQTT_URL: process.env.MQTT_URL!,
        MQTT_CLIENT_ID: `switchyard-test-${randomBytes(4).toString('hex')}`,
        MQTT_SHARE_GROUP: `switchyard-test-${randomBytes(4).toString('hex')}`,
        MQTT_SESSION_EXPIRY_SEC: '5',
        // Pings a second apart: a keep-alive that lapses under load shows within the test.
        MQTT_KEEPALIVE_SEC: '1',
        // Two connections: the batches stay few only if each takes many messages at once.
        MQTT_SUBSCRIBERS: '2',
      },
    });
  });
  afterAll(() => stack.close());

  it('stores what a platform publishes through a shared subscription', async () => {
    await publishAndRead(run, process.env.MQTT_URL!);
  });

  it('takes many messages at once over its connections, each stored once, its keep-alive never lapsing', async () => {
    const before = {
      batches: await metricOf(run.ingestion, 'mqtt_batches_total'),
      duplicates: await metricOf(run.ingestion, 'mqtt_readings_duplicate_total'),
      lost: await metricOf(run.ingestion, 'mqtt_connections_lost_total'),
    };
    // Waves of 500 for three keep-alive periods, each wave stored before the next is sent.
    const started = Date.now();
    let waves = 0;
    while (Date.now() - started < 3000) {
      const sensorId = await publishMany(run, process.env.MQTT_URL!, 500);
      await waitFor(async () => (await storedOf(run, sensorId)) === 500, 30_000, 'all 500 readings');
      waves++;
    }
    expect((await metricOf(run.ingestion, 'mqtt_readings_duplicate_total')) - before.duplicates).toBe(0);
    // One message at a time per connection would make at least 250 batches of a wave.
    expect((await metricOf(run.ingestion, 'mqtt_batches_total')) - before.batches).toBeLessThan(100 * waves);
    expect((await metricOf(run.ingestion, 'mqtt_connections_lost_total')) - before.lost).toBe(0);
  });

  it('acknowledges a message only once its batch is stored: one taken while storing fails is sent again', async () => {
    const lost = await metricOf(run.ingestion, 'mqtt_connections_lost_total');
    const sql = await sqlClient(run.db);
    let sensorId: string;
    // With the readings' table away every batch fails, and its connection is dropped unacknowledged.
    await sql.query('alter table sensors.readings rename to readings_away');
    try {
      sensorId = await publishMany(run, process.env.MQTT_URL!, 50);
      await waitFor(
        async () => (await metricOf(run.ingestion, 'mqtt_connections_lost_total')) > lost,
        30_000,
        'a batch failing',
      );
    } finally {
      await sql.query('alter table sensors.readings_away rename to readings');
      await sql.end();
    }
    await waitFor(async () => (await storedOf(run, sensorId)) === 50, 60_000, 'every reading, sent again');
  });
});
