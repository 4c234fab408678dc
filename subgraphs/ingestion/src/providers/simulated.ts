import seedrandom from 'seedrandom';
import type { PriceProvider, Quote } from './provider.js';

/**
 * Offline prices by geometric Brownian motion, one path per symbol and seed: the same seed gives
 * the same prices round after round. Drift 5%/year, volatility 30%/year, one step per call.
 */
export class SimulatedProvider implements PriceProvider {
  readonly name = 'simulated';
  private readonly paths = new Map<string, { price: number; random: () => number }>();

  constructor(private readonly seed: string) {}

  async quote(symbols: string[]): Promise<Quote[]> {
    const dt = 1 / (252 * 390); // one trading minute
    const mu = 0.05;
    const sigma = 0.3;
    return symbols.map((symbol) => {
      let path = this.paths.get(symbol);
      if (!path) {
        const random = seedrandom(`${this.seed}:${symbol}`);
        path = { price: 10 + random() * 490, random };
        this.paths.set(symbol, path);
      }
      const z = Math.sqrt(-2 * Math.log(1 - path.random())) * Math.cos(2 * Math.PI * path.random());
      path.price *= Math.exp((mu - sigma ** 2 / 2) * dt + sigma * Math.sqrt(dt) * z);
      return { symbol, price: Math.round(path.price * 10_000) / 10_000 };
    });
  }
}
