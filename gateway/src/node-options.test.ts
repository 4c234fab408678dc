import { execFileSync } from 'node:child_process';
import { gatewayNodeOptions } from './node-options.js';

describe('gatewayNodeOptions', () => {
  it('holds the old generation under 2 GB where the default would reach it, and adds nothing below', () => {
    expect(gatewayNodeOptions(4288)).toBe('--max-old-space-size=2000');
    expect(gatewayNodeOptions(2048)).toBe('--max-old-space-size=2000');
    expect(gatewayNodeOptions(2047)).toBe('');
    expect(gatewayNodeOptions(1024)).toBe('');
  });

  it('is a flag Node accepts in NODE_OPTIONS and that sets the heap limit', () => {
    const options = gatewayNodeOptions(4288);
    const limitMb = execFileSync(
      process.execPath,
      ['-e', 'process.stdout.write(String(require("node:v8").getHeapStatistics().heap_size_limit / 2 ** 20))'],
      { env: { ...process.env, NODE_OPTIONS: options }, encoding: 'utf8' },
    );
    // V8 reports the old-space limit plus its young generation (a few hundred MB at most).
    expect(Number(limitMb)).toBeGreaterThanOrEqual(2000);
    expect(Number(limitMb)).toBeLessThan(2000 + 512);
  });
});
