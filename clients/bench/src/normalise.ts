/**
 * The reference machine that scores 50 in every component: the 2-core x86_64 VM Switchyard is
 * developed on (Node 24, 2026-11), measured with these very micro-benchmarks (2 s each).
 * A machine twice as fast scores 100 (the cap); half as fast, 25.
 */
export const REFERENCE = {
  /** single-core SHA-256, MB/s (measured 1,594 and 1,635) */
  cpu: 1600,
  /** 64 MB buffer copy, MB/s (measured 7,187 and 8,205) */
  mem: 7500,
  /** 4 MB sequential write with fsync and read back, MB/s (measured 2,461 and 5,475: page cache) */
  disk: 3000,
  /** HTTP download, Mbit/s (a 100 Mbit/s line) */
  net: 100,
} as const;

export type Measured = Partial<Record<keyof typeof REFERENCE, number>>;

export function normalise(measured: Measured): Record<keyof typeof REFERENCE | 'gpu', number | null> {
  const score = (key: keyof typeof REFERENCE) => {
    const value = measured[key];
    if (value == null) return null;
    // Scores keep two decimals; a component that ran and measured something never rounds to 0.
    const rounded = Math.round(Math.min(100, (50 * value) / REFERENCE[key]) * 100) / 100;
    return value > 0 ? Math.max(rounded, 0.01) : 0;
  };
  // No GPU benchmark yet: the server shares its weight out over the others.
  return { cpu: score('cpu'), mem: score('mem'), disk: score('disk'), net: score('net'), gpu: null };
}
