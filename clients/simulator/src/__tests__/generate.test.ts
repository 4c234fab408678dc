import { ACTIVITIES, generateSessions } from '../generate.js';

const now = new Date('2026-11-23T12:00:00Z');
const make = (seed: number, user = 0, count = 2000) => generateSessions({ seed, user, count, weeks: 12, now });

describe('generateSessions', () => {
  it('is reproducible from its seed, and differs across seeds and users', () => {
    expect(make(7)).toEqual(make(7));
    expect(make(7)).not.toEqual(make(8));
    expect(make(7, 1)).not.toEqual(make(7, 0));
  });

  it('only makes sessions the API accepts, within the window', () => {
    // The 84 whole days before today.
    const first = Date.parse('2026-11-23T00:00:00Z') - 12 * 7 * 86_400_000;
    for (const s of make(3)) {
      const at = Date.parse(s.startedAt);
      expect(at).toBeGreaterThanOrEqual(first);
      expect(at).toBeLessThan(now.getTime());
      expect(s.durationSec).toBeGreaterThan(0);
      expect(s.durationSec).toBeLessThanOrEqual(48 * 3600);
      if (s.avgHeartRate !== null) expect(s.avgHeartRate).toBeGreaterThanOrEqual(25);
      if (s.avgHeartRate !== null) expect(s.avgHeartRate).toBeLessThanOrEqual(250);
      expect(s.distanceM === null || s.distanceM >= 0).toBe(true);
      expect(['STRENGTH', 'OTHER'].includes(s.activity)).toBe(s.distanceM === null);
    }
  });

  it('follows the activity mix, speeds and the weekly rhythm', () => {
    const sessions = Array.from({ length: 10 }, (_, user) => make(11, user)).flat();
    const share = (a: string) => sessions.filter((s) => s.activity === a).length / sessions.length;
    expect(share('RUN')).toBeGreaterThan(0.25);
    expect(share('RUN')).toBeLessThan(0.35);
    for (const a of ACTIVITIES) expect(share(a)).toBeGreaterThan(0.02);
    const runs = sessions.filter((s) => s.activity === 'RUN');
    const kmh = runs.reduce((sum, s) => sum + s.distanceM! / 1000 / (s.durationSec / 3600), 0) / runs.length;
    expect(kmh).toBeGreaterThan(8);
    expect(kmh).toBeLessThan(13);
    const onDay = (d: number) => sessions.filter((s) => new Date(s.startedAt).getUTCDay() === d).length;
    expect(onDay(6)).toBeGreaterThan(onDay(5) * 1.5); // Saturday vs Friday
  });
});
