export const COMPONENTS = ['cpu', 'mem', 'disk', 'net', 'gpu'] as const;
export type Component = (typeof COMPONENTS)[number];
export type Weights = Record<Component, number>;
export type Scores = Partial<Record<Component, number | null>>;

/** `cpu=0.30,mem=0.20,...`: every component once, non-negative, summing to 1. */
export function parseWeights(text: string): Weights {
  const weights: Partial<Weights> = {};
  for (const part of text.split(',')) {
    const [name, value] = part.split('=').map((s) => s.trim());
    const weight = Number(value);
    if (!COMPONENTS.includes(name as Component) || !Number.isFinite(weight) || weight < 0) {
      throw new Error(`"${part}" is not component=weight (components: ${COMPONENTS.join(', ')})`);
    }
    weights[name as Component] = weight;
  }
  const missing = COMPONENTS.filter((c) => weights[c] === undefined);
  if (missing.length) throw new Error(`no weight for ${missing.join(', ')}`);
  const sum = COMPONENTS.reduce((s, c) => s + weights[c]!, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new Error(`weights must sum to 1, not ${sum}`);
  return weights as Weights;
}

/**
 * Σ weight·score over the components that ran, divided by the weight they carry: a missing
 * component's weight is shared out over the present ones in proportion to their own.
 */
export function globalScore(scores: Scores, weights: Weights): { score: number; missing: Component[] } | null {
  const present = COMPONENTS.filter((c) => scores[c] != null);
  const weight = present.reduce((s, c) => s + weights[c], 0);
  if (present.length === 0 || weight === 0) return null;
  const score = present.reduce((s, c) => s + weights[c] * scores[c]!, 0) / weight;
  return { score: Math.round(score * 100) / 100, missing: COMPONENTS.filter((c) => scores[c] == null) };
}
