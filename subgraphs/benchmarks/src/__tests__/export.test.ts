import { randomUUID } from 'node:crypto';
import { aloneGatewayKey, userViewer, viewerHeader } from '@switchyard/testing';
import { report, SUBMIT, useBenchmarks } from './alone.js';

const benchmarks = useBenchmarks();

describe('export', () => {
  it('streams every device with its latest benchmark as CSV and as JSON', async () => {
    const { machine, sql, origin } = benchmarks;
    await machine.data(SUBMIT, { r: report() });
    await sql.query(`
      insert into benchmarks.devices (id, machine_id, hostname, first_seen_at, last_seen_at, best_score, latest_score)
      select gen_random_uuid(), 'bulk-' || i, 'bulk-' || lpad(i::text, 5, '0'), now(), now(), 50, 50 from generate_series(1, 3000) i`);
    await sql.query(`insert into benchmarks.devices (id, hostname, vendor, first_seen_at, last_seen_at, best_score, latest_score)
      values (gen_random_uuid(), 'zz-formula', '=HYPERLINK("http://evil.example")', now(), now(), 1, 1)`);
    const total = (await sql.query('select count(*)::int as n from benchmarks.devices')).rows[0].n;
    const key = await aloneGatewayKey();
    const signedIn = await viewerHeader(key, 'benchmarks', userViewer(randomUUID(), 'ADMIN'));

    expect(
      (await fetch(`${origin}/exports/devices.csv`, { headers: await viewerHeader(key, 'benchmarks') })).status,
    ).toBe(401);
    const csv = await fetch(`${origin}/exports/devices.csv`, { headers: signedIn });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-length')).toBeNull();
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe(
      'id,hostname,machine_id,vendor,model,first_seen_at,last_seen_at,best_score,latest_ran_at,latest_global_score,latest_cpu,latest_mem,latest_disk,latest_net,latest_gpu',
    );
    expect(lines).toHaveLength(total + 1);
    expect(lines.filter((l) => l.includes(',bulk-0')).length).toBe(3000);
    // A cell that a spreadsheet would run as a formula is exported as text.
    expect(lines.find((l) => l.includes('zz-formula'))).toContain(`"'=HYPERLINK(""http://evil.example"")"`);

    const json = await fetch(`${origin}/exports/devices.json`, { headers: signedIn });
    const rows = (await json.json()) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(total);
    expect(rows.find((r) => r.hostname === 'rig-1')).toMatchObject({
      latest_global_score: expect.any(Number),
    });
  });

  it('writes times as ISO 8601 in UTC, as GraphQL shows them', async () => {
    const { sql, origin } = benchmarks;
    await sql.query(`insert into benchmarks.devices (id, machine_id, hostname, first_seen_at, last_seen_at, best_score, latest_score)
      values (gen_random_uuid(), 'iso-1', 'iso-times', '2026-12-01T08:30:25.319Z', '2026-12-01T10:30:25.319+02:00', 1, 1)`);
    const headers = await viewerHeader(await aloneGatewayKey(), 'benchmarks', userViewer(randomUUID(), 'ADMIN'));
    const csv = await (await fetch(`${origin}/exports/devices.csv`, { headers })).text();
    const [header, ...lines] = csv.trim().split('\n');
    const cells = lines.find((l) => l.includes(',iso-times,'))!.split(',');
    const column = (name: string) => cells[header!.split(',').indexOf(name)];
    expect(column('first_seen_at')).toBe('2026-12-01T08:30:25.319Z');
    expect(column('last_seen_at')).toBe('2026-12-01T08:30:25.319Z');
    expect(column('latest_ran_at')).toBe('');
    // Every time in the export, the submitted benchmark's too, is in that one form.
    const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    const rows = (await (await fetch(`${origin}/exports/devices.json`, { headers })).json()) as Array<
      Record<string, string | null>
    >;
    expect(rows.find((r) => r.hostname === 'iso-times')).toMatchObject({
      first_seen_at: '2026-12-01T08:30:25.319Z',
      latest_ran_at: null,
    });
    for (const row of rows) {
      for (const name of ['first_seen_at', 'last_seen_at', 'latest_ran_at']) {
        if (row[name] !== null) expect(row[name]).toMatch(ISO);
      }
    }
    expect(rows.find((r) => r.hostname === 'rig-1')!.latest_ran_at).toMatch(ISO);
  });
});
