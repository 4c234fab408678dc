import { type Logger, type Orm, statement } from '@switchyard/kit';
import CircuitBreaker from 'opossum';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { PriceProvider, Quote } from '../providers/provider.js';

export type Circuit = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

const sharedCircuit = statement<{ resetSec: number; name: string }, { open: boolean }>(
  `/* sharedCircuit */ select circuit = 'OPEN' and changed_at > now() - (:resetSec * interval '1 second') as open
   from ingestion.providers where name = :name`,
);
const bumpFailures = statement<{ name: string; failures: 0 | 1; failed: boolean }, { failures: number }>(
  `/* countFailure */ insert into ingestion.providers as p (name, circuit, failures) values (:name, 'CLOSED', :failures)
   on conflict (name) do update set failures = case when :failed then p.failures + 1 else 0 end
   returning failures`,
);
const saveCircuit = statement<{ name: string; circuit: Circuit }, never>(
  `/* circuitChanged */ insert into ingestion.providers (name, circuit) values (:name, :circuit)
   on conflict (name) do update set circuit = excluded.circuit, changed_at = now()`,
);

export interface SourceMetrics {
  calls: Counter<'provider' | 'outcome'>;
  latency: Histogram<'provider'>;
  circuit: Gauge<'provider'>;
}

/**
 * One provider behind its own circuit breaker (opossum): after `failures` failed calls in a row
 * the circuit opens and calls are refused at once; after `resetSec` one call is let through
 * (half-open) and a success closes it. One failing provider never stops the others. The count
 * of failures in a row, and an open circuit, are shared by every replica through
 * `ingestion.providers`: rounds go to whichever replica claims them, and a provider must open
 * after `failures` failed rounds, not `failures` per replica.
 */
export class Source {
  private readonly breaker: CircuitBreaker<[string[], Date], Quote[]>;

  constructor(
    readonly provider: PriceProvider,
    private readonly orm: Orm,
    private readonly logger: Logger,
    private readonly measure: SourceMetrics,
    private readonly options: { failures: number; resetSec: number },
  ) {
    this.breaker = new CircuitBreaker((symbols: string[], at: Date) => provider.quote(symbols, at), {
      timeout: 10_000,
      // Opening is decided below, on failures in a row, not on opossum's error percentage.
      volumeThreshold: Number.MAX_SAFE_INTEGER,
      resetTimeout: options.resetSec * 1000,
    });
    const observe = (latencyMs: number) => measure.latency.observe({ provider: provider.name }, latencyMs / 1000);
    this.breaker.on('success', (_result, latencyMs) => observe(latencyMs));
    this.breaker.on('failure', (_error, latencyMs) => observe(latencyMs));
    this.breaker.on('open', () => {
      if (!this.following) void this.circuitChanged();
    });
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
    await this.followSharedCircuit();
    try {
      const quotes = await this.breaker.fire(symbols, at);
      this.measure.calls.inc({ provider: this.name, outcome: 'success' });
      await this.countFailure(false);
      return quotes;
    } catch (error) {
      const rejected = (error as { code?: string }).code === 'EOPENBREAKER';
      this.measure.calls.inc({ provider: this.name, outcome: rejected ? 'rejected' : 'failure' });
      if (!rejected) await this.countFailure(true);
      throw error;
    }
  }

  /** Set while this replica opens its breaker because another one opened the shared circuit. */
  private following = false;

  /** Another replica opened the circuit less than `resetSec` ago: refuse here too. */
  private async followSharedCircuit(): Promise<void> {
    if (this.breaker.opened) return;
    const [shared] = await sharedCircuit(this.orm.em.fork(), { resetSec: this.options.resetSec, name: this.name });
    if (!shared?.open) return;
    this.following = true;
    this.breaker.open();
    this.following = false;
  }

  /** Failures in a row across replicas; the one that reaches `failures` opens the circuit. */
  private async countFailure(failed: boolean): Promise<void> {
    const [row] = await bumpFailures(this.orm.em.fork(), { name: this.name, failures: failed ? 1 : 0, failed });
    if (failed && row && row.failures >= this.options.failures && !this.breaker.opened) this.breaker.open();
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  /** Recorded for every replica to read (Ticker.feed, ingestionStats). */
  private async circuitChanged(): Promise<void> {
    const circuit = this.circuit;
    this.measure.circuit.set({ provider: this.name }, circuit === 'OPEN' ? 1 : 0);
    this.logger.warn({ provider: this.name, circuit }, 'provider circuit changed');
    await saveCircuit(this.orm.em.fork(), { name: this.name, circuit }).catch((error: unknown) =>
      this.logger.error({ err: error }, 'could not record the circuit'),
    );
  }
}
