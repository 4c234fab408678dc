import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCommandLine, UsageError, wholeNumber } from '../index.js';

describe('command lines', () => {
  it("turns parseArgs' refusals into usage errors", () => {
    const read = (args: string[]) => parseCommandLine(() => parseArgs({ args, options: { n: { type: 'string' } } }));
    expect(read(['--n', '3']).values.n).toBe('3');
    expect(() => read(['--what'])).toThrow(UsageError);
    expect(() => read(['--n'])).toThrow(UsageError);
  });

  it('takes whole numbers in range only', () => {
    expect(wholeNumber('12', 'rounds', 1, 100)).toBe(12);
    for (const bad of ['0', '101', '1.5', 'x', '', ' ', undefined]) {
      expect(() => wholeNumber(bad, 'rounds', 1, 100)).toThrow('--rounds must be a whole number from 1 to 100');
    }
    expect(() => wholeNumber('-1', 'rounds')).toThrow(/^--rounds must be a whole number$/);
    expect(() => wholeNumber('0', 'users', 1)).toThrow('--users must be a whole number of at least 1');
  });

  it('reads a numeric setting from the environment, ending with exit code 2 on a bad one', () => {
    // In a process of its own (the built module, as a benchmark runs it): a bad value ends it.
    const read = (value?: string) =>
      spawnSync(
        process.execPath,
        [
          '-e',
          `console.log(require(${JSON.stringify(join(__dirname, '../../dist/index.js'))}).numberSetting('BENCH_N', 7, 1))`,
        ],
        { env: { ...process.env, BENCH_N: value }, encoding: 'utf8' },
      );
    expect(read(undefined)).toMatchObject({ status: 0, stdout: '7\n' });
    expect(read('12')).toMatchObject({ status: 0, stdout: '12\n' });
    expect(read('0')).toMatchObject({ status: 2, stderr: 'BENCH_N must be a whole number of at least 1\n' });
    expect(read('lots')).toMatchObject({ status: 2 });
  });
});
