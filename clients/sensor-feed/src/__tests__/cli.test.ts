// The command-line client against the whole stack through the gateway (its helpers are the gateway tests').
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, Stack } from '@switchyard/testing';
import { createBroker } from 'aedes';
import { loginAdmin, ROOT, type Running, startStack } from '@switchyard/gateway/__tests__/stack';

const CLI = join(ROOT, 'clients', 'sensor-feed', 'dist', 'main.js');
const run = (args: string[]) => promisify(execFile)(process.execPath, [CLI, ...args]);

describe('the sensor feed client', () => {
  const stack = new Stack();
  let stackRun: Running;
  let mqttPort: number;
  let token: string;
  let sensorId: string;

  beforeAll(async () => {
    mqttPort = await freePort();
    stackRun = await startStack(stack, { ingestion: { MQTT_PORT: String(mqttPort) } });
    const admin = stackRun.client.as(await loginAdmin(stackRun.client));
    const { createSite } = await admin.data('mutation { createSite(code: "FEED", name: "x", kind: FACTORY) { id } }');
    const { createEquipment } = await admin.data(
      'mutation($s: ID!) { createEquipment(siteId: $s, code: "FEED-E", name: "x") { id } }',
      { s: createSite.id },
    );
    for (const code of ['FEED-1', 'FEED-2']) {
      const { createSensor } = await admin.data(
        'mutation($e: ID!, $c: String!) { createSensor(input: { equipmentId: $e, code: $c, kind: "t", unit: "C" }) { id } }',
        { e: createEquipment.id, c: code },
      );
      sensorId ??= createSensor.id;
    }
    token = (await admin.data('mutation { createApiToken(name: "feed", scopes: ["sensors:write"]) { token } }'))
      .createApiToken.token;
  });
  afterAll(() => stack.close());

  const readingsOf = async () =>
    (
      await stackRun.client
        .as(token)
        .request('query($id: ID!) { sensor(id: $id) { readings(first: 100) { nodes { at } } } }', { id: sensorId })
    ).data as { sensor: { readings: { nodes: unknown[] } } } | null;

  it('sends readings through ingestReadings with a sensors:write token, names the sensors it does not know, and exits 1 for them', async () => {
    await expect(
      run([
        '--url',
        stackRun.gateway.url,
        '--token',
        token,
        '--sensors',
        'FEED-1,FEED-2,NOPE',
        '--rounds',
        '5',
        '--step-ms',
        '1000',
      ]),
    ).rejects.toMatchObject({
      code: 1,
      stdout: 'sent 15 readings: 10 stored, 5 rejected\n',
      stderr: expect.stringMatching(/rejected NOPE at .*: is not a known sensor/),
    });
    const { stdout } = await run([
      '--url',
      stackRun.gateway.url,
      '--token',
      token,
      '--sensors',
      'FEED-2',
      '--rounds',
      '2',
    ]);
    expect(stdout.trim()).toBe('sent 2 readings: 2 stored, 0 rejected');
  });

  it('says so and exits 1 when nothing was stored', async () => {
    await expect(
      run(['--url', stackRun.gateway.url, '--token', token, '--sensors', 'NOPE-1,NOPE-2', '--rounds', '3']),
    ).rejects.toMatchObject({
      code: 1,
      stdout: 'sent 6 readings: 0 stored, 6 rejected\n',
      stderr: expect.stringContaining('sensor-feed: nothing stored: all were rejected'),
    });
  });

  it('publishes over MQTT and confirms through GraphQL that the readings arrived', async () => {
    const { stdout } = await run([
      '--url',
      stackRun.gateway.url,
      '--mqtt',
      `mqtt://127.0.0.1:${mqttPort}`,
      '--token',
      token,
      '--sensors',
      'FEED-1',
      '--rounds',
      '4',
      '--step-ms',
      '60000',
      '--seed',
      '2',
    ]);
    expect(stdout.trim()).toBe(`published 4 readings to mqtt://127.0.0.1:${mqttPort}: 4 stored, 0 not stored`);
    expect(((await readingsOf())?.sensor.readings.nodes.length ?? 0) >= 4).toBe(true);
  });

  it('over MQTT, exits 1 when the readings do not arrive: unknown sensors, or a broker that is not ours', async () => {
    const mqtt = (url: string, sensors: string) =>
      run([
        '--url',
        stackRun.gateway.url,
        '--mqtt',
        url,
        '--token',
        token,
        '--sensors',
        sensors,
        '--rounds',
        '2',
        '--confirm-sec',
        '1',
      ]);
    await expect(mqtt(`mqtt://127.0.0.1:${mqttPort}`, 'FEED-2,NOPE')).rejects.toMatchObject({
      code: 1,
      stdout: `published 4 readings to mqtt://127.0.0.1:${mqttPort}: 2 stored, 2 not stored\n`,
      stderr: expect.stringContaining('not stored: NOPE is not a known sensor'),
    });
    // Another broker holds the port (the README's case of 1883 taken): it takes the messages, nobody stores them.
    const other = createBroker();
    const server = createServer(other.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(mqtt(url, 'FEED-2')).rejects.toMatchObject({
        code: 1,
        stdout: `published 2 readings to ${url}: 0 stored, 2 not stored\n`,
        stderr: expect.stringContaining(
          `sensor-feed: nothing stored: none of them shows through ${stackRun.gateway.url}`,
        ),
      });
    } finally {
      await new Promise((resolve) => other.close(resolve));
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('exits non-zero and says why when its token is refused', async () => {
    await expect(
      run(['--url', stackRun.gateway.url, '--token', 'nonsense', '--sensors', 'FEED-1', '--rounds', '1']),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/sensor-feed: .*invalid token/),
    });
  });

  it.each([
    [['--sensors', 'FEED-1', '--rounds', 'many'], '--rounds must be a whole number'],
    [['--sensors', 'FEED-1', '--bogus'], "Unknown option '--bogus'"],
    [['--rounds', '2'], '--sensors is required'],
    [['--sensors', 'FEED-1', '--mqtt', 'mqtt://127.0.0.1:1'], '--token is needed'],
  ])('exits 2 for bad arguments: %j', async (args, message) => {
    await expect(run(args)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining(message) });
  });
});
