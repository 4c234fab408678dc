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
});
