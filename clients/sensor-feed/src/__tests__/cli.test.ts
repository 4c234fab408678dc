// The command-line client against the whole stack through the gateway (its helpers are the gateway tests').
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, Stack, waitFor } from '@switchyard/testing';
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

  it('sends readings through ingestReadings with a sensors:write token, and names the sensors it does not know', async () => {
    const { stdout, stderr } = await run([
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
    ]);
    expect(stdout.trim()).toBe('sent 15 readings: 10 stored, 5 rejected');
    expect(stderr).toMatch(/rejected NOPE at .*: is not a known sensor/);
  });

  it('publishes over MQTT, and the readings arrive', async () => {
    const { stdout } = await run([
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
    expect(stdout.trim()).toBe(`published 4 readings to mqtt://127.0.0.1:${mqttPort}`);
    await waitFor(
      async () => ((await readingsOf())?.sensor.readings.nodes.length ?? 0) >= 9,
      30_000,
      'the MQTT readings',
    );
  });

  it('exits non-zero and says why when its token is refused', async () => {
    await expect(
      run(['--url', stackRun.gateway.url, '--token', 'nonsense', '--sensors', 'FEED-1', '--rounds', '1']),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/sensor-feed: .*invalid token/),
    });
  });
});
