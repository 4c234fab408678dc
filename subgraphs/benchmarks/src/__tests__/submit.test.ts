import { randomUUID } from 'node:crypto';
import { codes, userViewer } from '@switchyard/testing';
import { expectedScore, report, SUBMIT, tokenViewer, useBenchmarks } from './alone.js';

const benchmarks = useBenchmarks();

const counts = async () =>
  (
    await benchmarks.sql.query(
      `select (select count(*) from benchmarks.devices)::int as devices, (select count(*) from benchmarks.snapshots)::int as snapshots,
              (select count(*) from benchmarks.benchmarks)::int as benchmarks`,
    )
  ).rows[0];

describe('submitBenchmark', () => {
  it('creates the device, reuses unchanged hardware, and keeps a new snapshot when it changed', async () => {
    const { machine } = benchmarks;
    const first = (await machine.data(SUBMIT, { r: report() })).submitBenchmark;
    expect(first).toMatchObject({
      device: { hostname: 'rig-1', machineId: 'machine-1' },
      missing: [],
      newSnapshot: true,
    });
    expect(first.globalScore).toBe(expectedScore(report().scores));
    expect(first.globalScore).toBe(66.5); // 80·0.30 + 60·0.20 + 90·0.25 + 40·0.15 + 20·0.10

    // Same hardware, lists in another order: same device, same snapshot, a new benchmark.
    const again = (
      await machine.data(SUBMIT, {
        r: report({ hostname: 'rig-1-renamed', disks: [...report().hardware.disks].reverse() }),
      })
    ).submitBenchmark;
    expect(again.device.id).toBe(first.device.id);
    expect(again.device.hostname).toBe('rig-1-renamed');
    expect(again.newSnapshot).toBe(false);
    expect(again.benchmark.snapshot.id).toBe(first.benchmark.snapshot.id);
    expect(again.benchmark.id).not.toBe(first.benchmark.id);

    const upgraded = (await machine.data(SUBMIT, { r: report({ memoryBytes: 64 * 2 ** 30 }) })).submitBenchmark;
    expect(upgraded.device.id).toBe(first.device.id);
    expect(upgraded.newSnapshot).toBe(true);
    expect(upgraded.benchmark.snapshot.hash).not.toBe(first.benchmark.snapshot.hash);

    const { device } = await machine.data(
      'query($id: ID!) { device(id: $id) { snapshots { id } benchmarks { id } bestScore latestScore } }',
      { id: first.device.id },
    );
    expect(device.snapshots).toHaveLength(2);
    expect(device.benchmarks).toHaveLength(3);
  });

  it('shares the weight of missing components out over the present ones', async () => {
    const { machine } = benchmarks;
    const scores = { cpu: 70, mem: 50, disk: null, net: null, gpu: 30 };
    const result = (await machine.data(SUBMIT, { r: report({ machineId: 'machine-2', hostname: 'rig-2', scores }) }))
      .submitBenchmark;
    expect(result.missing).toEqual(['DISK', 'NET']);
    expect(result.globalScore).toBe(expectedScore(scores));
    expect(result.globalScore).toBe(56.67); // (70·0.30 + 50·0.20 + 30·0.10) / 0.60
    expect(result.benchmark.scores).toEqual(scores);

    // Without a machine id the hostname identifies the device.
    const a = (await machine.data(SUBMIT, { r: report({ machineId: null, hostname: 'nameless' }) })).submitBenchmark;
    const b = (await machine.data(SUBMIT, { r: report({ machineId: null, hostname: 'nameless' }) })).submitBenchmark;
    expect(b.device.id).toBe(a.device.id);

    const none = await machine.request(SUBMIT, { r: report({ scores: { cpu: null } }) });
    expect(codes(none)).toEqual(['BAD_USER_INPUT']);
    const outOfRange = await machine.request(SUBMIT, { r: report({ scores: { cpu: 101 } }) });
    expect(codes(outOfRange)).toEqual(['BAD_USER_INPUT']);
    expect(outOfRange.errors![0]!.message).toContain('scores.cpu');
  });

  // A revoked token is the gateway's to refuse (it confirms tokens with users): see the gateway's benchmarks test.
  it('refuses missing and wrongly scoped credentials, writing nothing', async () => {
    const { alone } = benchmarks;
    const before = await counts();
    const r = report({ machineId: 'intruder', hostname: 'intruder' });

    expect(codes(await (await alone.as(null)).request(SUBMIT, { r }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await (await alone.as(tokenViewer(['sensors:write']))).request(SUBMIT, { r }))).toEqual(['FORBIDDEN']);
    expect(codes(await (await alone.as(userViewer(randomUUID()))).request(SUBMIT, { r }))).toEqual(['FORBIDDEN']);
    expect(await counts()).toEqual(before);
  });
});
