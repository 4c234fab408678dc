import { passedOn, stringifyResult } from '../passed-on.js';

// Valid JSON that JSON.stringify never writes (1.0e1, the spaces): seen only if the text is kept.
const TEXT = '{"data":{"sensor":{"code":"T-1","series":[{"avg":1.0e1,"min":-0.5}, {"avg":2,"min":null}]}}}';
const DATA = {
  sensor: {
    code: 'T-1',
    series: [
      { avg: 10, min: -0.5 },
      { avg: 2, min: null },
    ],
  },
};

describe('answers passed on as they came', () => {
  it('are written out as their text while the result is only their data', () => {
    expect(stringifyResult({ data: passedOn(TEXT) })).toBe(TEXT);
    // Apollo Server lists the fields a result may have, undefined where it has none.
    expect(stringifyResult({ errors: undefined, data: passedOn(TEXT), extensions: undefined })).toBe(TEXT);
  });

  it('are serialised anew once anything is added beside the data', () => {
    const extended = { data: passedOn(TEXT), extensions: { cost: 3 } };
    expect(JSON.parse(stringifyResult(extended))).toEqual({ data: DATA, extensions: { cost: 3 } });
    expect(stringifyResult(extended)).not.toContain('1.0e1');
    const failed = { errors: [{ message: 'partly' }], data: passedOn(TEXT) };
    expect(JSON.parse(stringifyResult(failed))).toEqual({ errors: [{ message: 'partly' }], data: DATA });
  });

  it('are serialised anew, with any change, once something has looked inside', () => {
    const data = passedOn(TEXT);
    (data.sensor as { code: string }).code = 'T-2';
    expect(JSON.parse(stringifyResult({ data }))).toEqual({ data: { sensor: { ...DATA.sensor, code: 'T-2' } } });
    const read = passedOn(TEXT);
    expect(Object.keys(read)).toEqual(['sensor']);
    expect(stringifyResult({ data: read })).toBe(JSON.stringify({ data: DATA }));
  });

  it('show their data to anything that looks inside, as a plain object would', () => {
    const data = passedOn(TEXT);
    expect(data).toEqual(DATA);
    expect(Object.keys(data)).toEqual(['sensor']);
    expect('sensor' in data).toBe(true);
    expect(JSON.stringify(data)).toBe(JSON.stringify(DATA));
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect({ ...data }).toEqual(DATA);
    expect(Object.isFrozen(Object.freeze(passedOn(TEXT)))).toBe(true);
  });

  it('let go of their text once it is written out', () => {
    const data = passedOn(TEXT);
    expect(stringifyResult({ data })).toBe(TEXT);
    expect(() => JSON.stringify(data)).toThrow(/read after it was written out/);
    expect(() => stringifyResult({ data })).toThrow(/read after it was written out/);
  });

  it('leave any other result to JSON.stringify', () => {
    const plain = { data: { sensor: { code: 'T-1' } } };
    expect(stringifyResult(plain)).toBe(JSON.stringify(plain));
    expect(stringifyResult({ errors: [{ message: 'no' }] })).toBe('{"errors":[{"message":"no"}]}');
  });
});
