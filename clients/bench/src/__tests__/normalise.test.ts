import { normalise, REFERENCE } from '../normalise.js';

describe('normalise', () => {
  it('scores the reference machine 50, twice as fast 100 (capped), and leaves what did not run null', () => {
    expect(normalise({ cpu: REFERENCE.cpu, mem: REFERENCE.mem, disk: REFERENCE.disk })).toEqual({
      cpu: 50,
      mem: 50,
      disk: 50,
      net: null,
      gpu: null,
    });
    expect(normalise({ cpu: REFERENCE.cpu * 4, net: REFERENCE.net / 2 })).toMatchObject({
      cpu: 100,
      net: 25,
      mem: null,
    });
  });

  it('never rounds a component that measured something down to 0', () => {
    expect(normalise({ net: 0.0001, cpu: 0 })).toMatchObject({ net: 0.01, cpu: 0 });
  });
});
