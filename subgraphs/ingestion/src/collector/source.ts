import { type Logger, type Orm, sqlRows } from '@switchyard/kit';
import CircuitBreaker from 'opossum';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { PriceProvider, Quote } from '../providers/provider.js';

export type Circuit = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface SourceMetrics {
  calls: Counter<'provider' | 'outcome'>;
  latency: Histogram<'provider'>;
  circuit: Gauge<'provider'>;
}

/**
 * One provider behind its own circuit breaker (opossum): after `failures` failed calls in a row
 * the circuit opens and calls are refused at once; after `resetSec` one call is let through
 * (half-open) and a success closes it. One failing provider never stops the others.
 */
export class Source {
  private readonly breaker: CircuitBreaker<[string[], Date], Quote[]>;

  constructor(
    readonly provider: PriceProvider,
    private readonly orm: Orm,
    private readonly logger: Logger,
    private readonly measure: SourceMetrics,
    options: { failures: number; resetSec: number },
  ) {
    this.breaker = new CircuitBreaker((symbols: string[], at: Date) => provider.quote(symbols, at), {
      timeout: 10_000,
      // Opening is decided below, on failures in a row, not on opossum's error percentage.
      volumeThreshold: Number.MAX_SAFE_INTEGER,
      resetTimeout: options.resetSec * 1000,
    });
    let failuresInRow = 0;
    const observe = (latencyMs: number) => measure.latency.observe({ provider: provider.name }, latencyMs / 1000);
    this.breaker.on('success', (_result, latencyMs) => {
      failuresInRow = 0;
      observe(latencyMs);
    });
    this.breaker.on('failure', (_error, latencyMs) => {
      observe(latencyMs);
      if (++failuresInRow >= options.failures && !this.breaker.opened) this.breaker.open();
    });
    this.breaker.on('open', () => void this.circuitChanged());
    this.breaker.on('halfOpen', () => void this.circuitChanged());
    this.breaker.on('close', () => void this.circuitChanged());
  }

  get name(): string {
    return this.provider.name;
  }

  get circuit(): Circuit {
    if (this.breaker.opened) return 'OPEN';
    return this.breaker.halfOpen ? 'HALF_OPEN' : 'CLOSED';
  }

  /** Quotes for `symbols`, or the provider's (or the open circuit's) error. */
  async quote(symbols: string[], at: Date): Promise<Quote[]> {
    try {
      const quotes = await this.breaker.fire(symbols, at);
      this.measure.calls.inc({ provider: this.name, outcome: 'success' });
      return quotes;
    } catch (error) {
      const rejected = (error as { code?: string }).code === 'EOPENBREAKER';
      this.measure.calls.inc({ provider: this.name, outcome: rejected ? 'rejected' : 'failure' });
      throw error;
    }
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  /** Recorded for every replica to read (Ticker.feed, ingestionStats). */
  private async circuitChanged(): Promise<void> {
    const circuit = this.circuit;
    this.measure.circuit.set({ provider: this.name }, circuit === 'OPEN' ? 1 : 0);
    this.logger.warn({ provider: this.name, circuit }, 'provider circuit changed');
    await sqlRows(
      this.orm.em.fork(),
      `/* circuitChanged */ insert into ingestion.providers (name, circuit) values (?, ?)
       on conflict (name) do update set circuit = excluded.circuit, changed_at = now()`,
      [this.name, circuit],
    ).catch((error: unknown) => this.logger.error({ err: error }, 'could not record the circuit'));
  }
}
