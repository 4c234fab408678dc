import { codes, metricOf } from '@switchyard/testing';
import { report, SUBMIT, useBenchmarks } from './alone.js';

const benchmarks = useBenchmarks();

beforeAll(async () => {
  // A device of another vendor, scoring between the Acme ones below: filters must leave it out.
  await benchmarks.machine.data(SUBMIT, { r: report() });
});

describe('devices, leaderboard and links', () => {
  it('filters, orders and pages devices, ranks them, and lets admins manage links', async () => {
    const { machine, admin } = benchmarks;
    for (const [i, cpu] of [55, 95, 75].entries()) {
      await machine.data(SUBMIT, {
        r: { ...report({ machineId: `lb-${i}`, hostname: `leader-${i}`, scores: { cpu, mem: 50 } }), vendor: 'Acme' },
      });
    }
    const { devices } = await machine.data(
      '{ devices(filter: { vendor: "acme" }, orderBy: BEST_SCORE_DESC, first: 2) { nodes { hostname bestScore } pageInfo { endCursor hasNextPage } } }',
    );
    expect(devices.nodes.map((d: any) => d.hostname)).toEqual(['leader-1', 'leader-2']);
    const rest = await machine.data(
      'query($a: String) { devices(filter: { vendor: "acme" }, orderBy: BEST_SCORE_DESC, first: 2, after: $a) { nodes { hostname } pageInfo { hasNextPage } } }',
      { a: devices.pageInfo.endCursor },
    );
    expect(rest.devices).toEqual({ nodes: [{ hostname: 'leader-0' }], pageInfo: { hasNextPage: false } });
    expect(
      (await machine.data('{ devices(filter: { text: "ADER-2" }) { nodes { hostname } } }')).devices.nodes,
    ).toEqual([{ hostname: 'leader-2' }]);
    const minScore = await machine.data('{ devices(filter: { vendor: "acme", minScore: 60 }) { nodes { hostname } } }');
    expect(minScore.devices.nodes.map((d: any) => d.hostname).sort()).toEqual(['leader-1', 'leader-2']);

    const { leaderboard } = await machine.data(
      '{ leaderboard(component: CPU, first: 3) { rank score device { hostname } benchmark { scores { cpu } } } }',
    );
    expect(leaderboard[0]).toMatchObject({
      rank: 1,
      score: 95,
      device: { hostname: 'leader-1' },
      benchmark: { scores: { cpu: 95 } },
    });
    expect(leaderboard.map((e: any) => e.score)).toEqual(
      [...leaderboard.map((e: any) => e.score)].sort((a, b) => b - a),
    );

    const deviceId = (await machine.data('{ devices(filter: { text: "leader-1" }) { nodes { id } } }')).devices.nodes[0]
      .id;
    const ADD = 'mutation($d: ID!, $u: String!) { addDeviceLink(deviceId: $d, label: "Support", url: $u) { id url } }';
    expect(codes(await machine.request(ADD, { d: deviceId, u: 'https://acme.example/support' }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await admin.request(ADD, { d: deviceId, u: 'javascript:alert(1)' }))).toEqual(['BAD_USER_INPUT']);
    const { addDeviceLink } = await admin.data(ADD, { d: deviceId, u: 'https://acme.example/support' });
    await admin.data('mutation($id: ID!) { updateDeviceLink(id: $id, label: "Drivers") { id } }', {
      id: addDeviceLink.id,
    });
    expect(
      (await machine.data('query($id: ID!) { device(id: $id) { links { label url } } }', { id: deviceId })).device
        .links,
    ).toEqual([{ label: 'Drivers', url: 'https://acme.example/support' }]);
    await admin.data('mutation($id: ID!) { deleteDeviceLink(id: $id) }', { id: addDeviceLink.id });
    expect(
      (await machine.data('query($id: ID!) { device(id: $id) { links { id } } }', { id: deviceId })).device.links,
    ).toEqual([]);

    const { benchmarks: page } = await machine.data(
      'query($id: ID!) { benchmarks(deviceId: $id, first: 1) { nodes { globalScore } pageInfo { hasNextPage } } }',
      { id: deviceId },
    );
    expect(page.nodes).toHaveLength(1);
  });

  it('resolves devices with benchmarks, links and documents in a bounded number of statements', async () => {
    const { alone, machine } = benchmarks;
    /** How many SQL statements benchmarks has sent so far (db_queries_total on its /metrics). */
    const statementsSoFar = () => metricOf(alone.url, 'db_queries_total');
    const measure = async () => {
      const before = await statementsSoFar();
      const { devices } = await machine.data(
        '{ devices(first: 100) { nodes { benchmarks { scores { cpu } snapshot { hash } } links { url } documents { filename } latestBenchmark { globalScore } } } }',
      );
      return { statements: (await statementsSoFar()) - before, devices: devices.nodes.length };
    };
    const few = await measure();
    for (let i = 0; i < 15; i++)
      await machine.data(SUBMIT, { r: report({ machineId: `many-${i}`, hostname: `many-${i}` }) });
    const many = await measure();
    expect(many.devices).toBe(few.devices + 15);
    expect(many.statements).toBe(few.statements);
  });

  it('answers ids that are not uuids as missing, without failing the rest', async () => {
    const { machine, admin } = benchmarks;
    const { data, errors } = await machine.request(
      '{ a: device(id: "nope") { id } b: device(id: "00000000-0000-0000-0000-000000000000") { id } }',
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({ a: null, b: null });
    expect(codes(await admin.request('mutation { deleteDeviceLink(id: "nope") }'))).toEqual(['NOT_FOUND']);
  });
});
