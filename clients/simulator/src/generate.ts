import seedrandom from 'seedrandom';

export const ACTIVITIES = ['RUN', 'RIDE', 'SWIM', 'WALK', 'ROW', 'STRENGTH', 'OTHER'] as const;
export type Activity = (typeof ACTIVITIES)[number];

export interface SimulatedSession {
  activity: Activity;
  startedAt: string;
  durationSec: number;
  distanceM: number | null;
  calories: number | null;
  avgHeartRate: number | null;
}

interface Profile {
  share: number;
  minutes: [mean: number, sd: number];
  /** km/h; null when the activity covers no distance. */
  speed: [mean: number, sd: number] | null;
  heartRate: [mean: number, sd: number];
  /** kcal per minute at the mean heart rate. */
  kcalPerMin: number;
}

// Plausible amateur figures; the shares sum to 1.
const PROFILES: Record<Activity, Profile> = {
  RUN: { share: 0.3, minutes: [42, 12], speed: [10.5, 1.5], heartRate: [152, 11], kcalPerMin: 11 },
  RIDE: { share: 0.2, minutes: [80, 30], speed: [25, 4], heartRate: [135, 12], kcalPerMin: 9 },
  WALK: { share: 0.2, minutes: [50, 20], speed: [5, 0.7], heartRate: [102, 9], kcalPerMin: 4.5 },
  SWIM: { share: 0.1, minutes: [35, 10], speed: [2.6, 0.5], heartRate: [132, 12], kcalPerMin: 9.5 },
  STRENGTH: { share: 0.1, minutes: [50, 15], speed: null, heartRate: [118, 14], kcalPerMin: 6 },
  ROW: { share: 0.05, minutes: [30, 10], speed: [12, 1.5], heartRate: [146, 10], kcalPerMin: 10 },
  OTHER: { share: 0.05, minutes: [45, 20], speed: null, heartRate: [115, 15], kcalPerMin: 5.5 },
};

// Weekly rhythm: Monday..Sunday, weekends busier, Friday quieter.
const WEEKDAY_WEIGHT = [0.9, 1, 0.95, 1, 0.7, 1.45, 1.3];
const DAY_MS = 86_400_000;

/** A seeded source of the distributions we need. */
class Random {
  private readonly next: () => number;

  constructor(seed: string) {
    this.next = seedrandom(seed);
  }

  uniform(): number {
    return this.next();
  }

  normal(mean: number, sd: number): number {
    // Box–Muller
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** An item drawn with the given weights (one per item). */
  pick<T>(items: readonly T[], weights: readonly number[]): T {
    const total = weights.reduce((sum, w) => sum + w, 0);
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i]!;
      if (r <= 0) return items[i]!;
    }
    return items.at(-1)!;
  }
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * `count` sessions for one user over the `weeks` weeks before `now`. The same seed, user and
 * `now` give the same sessions, whatever order users are generated in.
 */
export function generateSessions(options: {
  seed: string | number;
  user: number;
  count: number;
  weeks: number;
  now: Date;
}): SimulatedSession[] {
  const random = new Random(`${options.seed}:${options.user}`);
  // Each simulated person has their own fitness: a multiplier on speed and duration.
  const fitness = clamp(random.normal(1, 0.12), 0.7, 1.3);
  const today = Date.UTC(options.now.getUTCFullYear(), options.now.getUTCMonth(), options.now.getUTCDate());
  const days = Array.from({ length: options.weeks * 7 }, (_, i) => today - (i + 1) * DAY_MS);
  const dayWeights = days.map((d) => WEEKDAY_WEIGHT[(new Date(d).getUTCDay() + 6) % 7]!);
  const shares = ACTIVITIES.map((a) => PROFILES[a].share);
  return Array.from({ length: options.count }, (_, i) => {
    const activity = random.pick(ACTIVITIES, shares);
    const profile = PROFILES[activity];
    const day = random.pick(days, dayWeights);
    // Mornings (6-8 h) or evenings (17-20 h), with the evening more common.
    const hour = random.uniform() < 0.35 ? 6 + random.uniform() * 2 : 17 + random.uniform() * 3;
    const minutes = clamp(random.normal(profile.minutes[0], profile.minutes[1]) * fitness, 5, 6 * 60);
    const heartRate = Math.round(clamp(random.normal(profile.heartRate[0], profile.heartRate[1]), 60, 200));
    const speed = profile.speed ? clamp(random.normal(profile.speed[0], profile.speed[1]) * fitness, 0.5, 60) : null;
    return {
      activity,
      // A few seconds apart per index (within the hour), so a user's starts rarely coincide.
      startedAt: new Date(day + hour * 3_600_000 + (i % 3600) * 1000).toISOString(),
      durationSec: Math.round(minutes * 60),
      distanceM: speed === null ? null : Math.round((speed * 1000 * minutes) / 60),
      calories: Math.round(minutes * profile.kcalPerMin * (heartRate / profile.heartRate[0])),
      // Not every device measures heart rate.
      avgHeartRate: random.uniform() < 0.85 ? heartRate : null,
    };
  });
}
