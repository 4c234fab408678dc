import { globalScore, parseWeights } from '../benchmark/score.js';

const weights = parseWeights('cpu=0.30,mem=0.20,disk=0.25,net=0.15,gpu=0.10');

describe('globalScore', () => {
  it('weighs every component when all ran', () => {
    expect(globalScore({ cpu: 100, mem: 100, disk: 100, net: 100, gpu: 100 }, weights)).toEqual({
      score: 100,
      missing: [],
    });
    expect(globalScore({ cpu: 80, mem: 60, disk: 90, net: 40, gpu: 20 }, weights)?.score).toBe(66.5);
  });

  it('shares missing weight out in proportion, and needs one component at least', () => {
    expect(globalScore({ cpu: 50 }, weights)).toEqual({ score: 50, missing: ['mem', 'disk', 'net', 'gpu'] });
    expect(globalScore({ cpu: 100, gpu: 0 }, weights)?.score).toBe(75);
    expect(globalScore({}, weights)).toBeNull();
  });

  it('takes weights from configuration, refusing bad ones', () => {
    expect(globalScore({ cpu: 100, gpu: 0 }, parseWeights('cpu=0.5,mem=0.2,disk=0.1,net=0.1,gpu=0.1'))?.score).toBe(
      83.33,
    );
    expect(() => parseWeights('cpu=0.5,mem=0.5')).toThrow(/no weight/);
    expect(() => parseWeights('cpu=0.5,mem=0.2,disk=0.2,net=0.2,gpu=0.2')).toThrow(/sum to 1/);
    expect(() => parseWeights('cpu=x,mem=0.2,disk=0.2,net=0.2,gpu=0.2')).toThrow(/component=weight/);
  });
});
