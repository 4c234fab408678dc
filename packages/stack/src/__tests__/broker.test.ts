// The broker of k8s/mqtt.yaml as it runs there: its init container's command and mosquitto.conf,
// from the manifests as kustomize renders them (with the example passwords), in a folder standing
// in for the pod's volumes, against this machine's mosquitto. Skipped, saying so, without one.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@switchyard/testing';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { renderKustomization } from './deploy-files.js';

const mosquitto = spawnSync('mosquitto', ['-h']).error === undefined;
if (!mosquitto) console.warn('broker.test.ts skipped: no mosquitto on this machine');

(mosquitto ? describe : describe.skip)('k8s/mqtt.yaml’s broker', () => {
  const objects = renderKustomization();
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as any;
  const pod = find('Deployment', 'mqtt').spec.template.spec;
  const secret = (name: string, key: string) => Buffer.from(find('Secret', name).data[key], 'base64').toString();
  // What ingestion signs in with: the user and password of MQTT_URL.
  const ingestionUrl = new URL(secret('switchyard', 'MQTT_URL'));
  const device = { username: 'device', password: secret('switchyard-mqtt', 'MQTT_DEVICE_PASSWORD') };
  const ingestion = { username: ingestionUrl.username, password: decodeURIComponent(ingestionUrl.password) };

  const dir = mkdtempSync(join(tmpdir(), 'mqtt-pod-'));
  // The pod's mount paths, each a folder of dir (mosquitto_passwd's tmpfile() stays in /tmp).
  const mounts = [...pod.initContainers, ...pod.containers]
    .flatMap((c: { volumeMounts: Array<{ mountPath: string }> }) => c.volumeMounts.map((m) => m.mountPath))
    .filter((path: string) => path !== '/tmp');
  const local = (text: string) =>
    text.replace(new RegExp(`(?<![\\w/.-])(${mounts.join('|')})(?=[/\\s"']|$)`, 'gm'), (path) => join(dir, path));
  let broker: ChildProcess | undefined;
  let port = 0;
  const clients: MqttClient[] = [];
  const connect = async (user: { username: string; password: string }, options: IClientOptions = {}) => {
    const client = await connectAsync(`mqtt://127.0.0.1:${port}`, {
      ...user,
      protocolVersion: 5,
      reconnectPeriod: 0,
      ...options,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    for (const path of mounts) mkdirSync(join(dir, path), { recursive: true });
    const { data } = find('ConfigMap', 'switchyard-mqtt');
    for (const [file, text] of Object.entries(data as Record<string, string>))
      writeFileSync(join(dir, '/mosquitto/config', file), local(text));
    const [init] = pod.initContainers;
    const env = Object.fromEntries(
      init.env.map((e: any) => [e.name, secret(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key)]),
    );
    const [shell, flag, script] = init.command as string[];
    const made = spawnSync(shell!, [flag!, local(script!)], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    port = await freePort();
    // The pod's config on this port; as root, mosquitto would switch to its own user, which the
    // files (private to the user who wrote them, as in the pod) would shut out.
    const config = join(dir, 'test.conf');
    writeFileSync(
      config,
      local(data['mosquitto.conf']).replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`) +
        (process.getuid?.() === 0 ? 'user root\n' : ''),
    );
    broker = spawn('mosquitto', ['-c', config], { stdio: 'ignore' });
    await waitFor(
      () =>
        connect(device).then(
          () => true,
          () => false,
        ),
      10_000,
      'the broker',
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    broker?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets devices publish readings, and only readings, which ingestion alone receives', async () => {
    const reader = await connect(ingestion, { clientId: 'ingestion-0' });
    const received: string[] = [];
    reader.on('message', (topic) => received.push(topic));
    await reader.subscribeAsync('$share/switchyard/sensors/+/readings', { qos: 1 });
    // A device subscribing to everything is granted the filter, and sent nothing through it.
    const sensor = await connect(device);
    const overheard: string[] = [];
    sensor.on('message', (topic) => overheard.push(topic));
    await sensor.subscribeAsync('#', { qos: 1 });

    await sensor.publishAsync('sensors/T-1/readings', '{"at":"2026-11-02T06:00:00Z","value":1}', { qos: 1 });
    await waitFor(async () => received.length === 1, 5_000, 'the reading at ingestion');
    expect(received).toEqual(['sensors/T-1/readings']);

    // QoS 1 publishes the ACL refuses come back as "Not authorized"; the other client sees none.
    for (const [client, topic] of [
      [sensor, 'commands/T-1'],
      [sensor, 'sensors/T-1/readings/extra'],
      [reader, 'sensors/T-2/readings'],
    ] as const)
      await expect(client.publishAsync(topic, 'x', { qos: 1 })).rejects.toThrow(/Not authorized/);
    // Everything a device may send has arrived by the time a later reading does.
    await sensor.publishAsync('sensors/T-3/readings', '{}', { qos: 1 });
    await waitFor(async () => received.length === 2, 5_000, 'the second reading');
    expect(received).toEqual(['sensors/T-1/readings', 'sensors/T-3/readings']);
    expect(overheard).toEqual([]);
  });

  it('refuses a wrong password and anonymous clients', async () => {
    await expect(connect({ ...device, password: 'wrong' })).rejects.toThrow(/Bad User Name or Password|Not authorized/);
    await expect(connect({ username: '', password: '' })).rejects.toThrow(/Not authorized|Bad User Name/);
  });
});
