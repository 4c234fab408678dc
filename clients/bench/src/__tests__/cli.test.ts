// The command-line client against the whole stack through the gateway (its helpers are the gateway tests').
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Stack } from '@switchyard/testing';
import { loginAdmin, ROOT, type Running, startStack } from '@switchyard/gateway/__tests__/stack';

const cli = (args: string[]) =>
  promisify(execFile)(process.execPath, [
    join(ROOT, 'clients/bench/dist/main.js'),
    '--seconds',
    '0.05',
    '--no-progress',
    ...args,
  ]);

const stack = new Stack();
let run: Running;
let token: string;

beforeAll(async () => {
  run = await startStack(stack);
  const admin = run.client.as(await loginAdmin(run.client));
  token = (
    await admin.data('mutation { createApiToken(name: "this machine", scopes: ["benchmarks:write"]) { token } }')
  ).createApiToken.token;
});
afterAll(() => stack.close());

describe('the bench client', () => {
  it('prints a report with --dry-run that submitBenchmark accepts', async () => {
    const { stdout } = await cli(['--dry-run']);
    const report = JSON.parse(stdout);
    expect(report.hardware.cpu.threads).toBeGreaterThan(0);
    expect(report.scores.cpu).toBeGreaterThan(0);
    expect(report.scores.gpu).toBeNull();
    const { submitBenchmark } = await run.client
      .as(token)
      .data(
        'mutation($r: BenchmarkReport!) { submitBenchmark(report: $r) { globalScore missing device { hostname } } }',
        { r: report },
      );
    expect(submitBenchmark.missing).toEqual(['NET', 'GPU']);
    expect(submitBenchmark.globalScore).toBeGreaterThan(0);
    expect(submitBenchmark.device.hostname).toBe(report.hostname);
  });

  it('measures download speed from --net-url', async () => {
    const server = createServer((_req, res) => res.end(Buffer.alloc(4 * 2 ** 20, 1)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const report = JSON.parse((await cli(['--dry-run', '--net-url', `http://127.0.0.1:${port}/`])).stdout);
      expect(report.scores.net).toBeGreaterThan(0);
      expect(report.raw.net).toBeGreaterThan(0);
      expect(report.machineId === null || /^[0-9a-f]{32}$/.test(report.machineId)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('submits with a token and prints the answer', async () => {
    const { stdout } = await cli(['--url', run.gateway.url, '--token', token, '--json']);
    const result = JSON.parse(stdout);
    expect(result.newSnapshot).toBe(false);
    expect(result.device.hostname.length).toBeGreaterThan(0);
  });

  it('exits non-zero without a usable token', async () => {
    await expect(cli(['--url', run.gateway.url, '--token', 'nonsense'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('submit failed'),
    });
    await expect(cli(['--url', run.gateway.url])).rejects.toMatchObject({ code: 2 });
  });

  it('exits 2 for bad arguments, 1 when the gateway cannot be reached', async () => {
    await expect(cli(['--bogus'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--bogus') });
    await expect(cli(['--seconds', '0', '--dry-run'])).rejects.toMatchObject({ code: 2 });
    await expect(
      cli(['--url', 'http://127.0.0.1:1/graphql', '--token', 't', '--seconds', '0.05']),
    ).rejects.toMatchObject({
      code: 1,
    });
  });
});
