import type { EntityManager } from '@mikro-orm/postgresql';
import { type EventBus, type Logger, type Metrics, type Orm, sqlRows } from '@switchyard/kit';
import { alertRaised } from '@switchyard/users/events';
import { followedSymbols, insertPrices, recordAlerts, watchesOf } from '@switchyard/users/market';
import CircuitBreaker from 'opossum';
import { Counter, Gauge, Histogram } from 'prom-client';
import { evaluate, type Side } from '../alerts/evaluate.js';
import type { PriceProvider, Quote } from '../providers/provider.js';

export type Circuit = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface RoundReport {
  round: number;
  tickers: number;
  prices: number;
  alerts: number;
  error: string | null;
}

export interface CollectorOptions {
  intervalSec: number;
  breakerFailures: number;
  breakerResetSec: number;
}

function collectorMetrics(metrics: Metrics) {
  const registers = [metrics.registry];
  return {
    tickers: new Counter({ name: 'market_tickers_collected_total', help: 'Ticker prices collected.', registers }),
    calls: new Counter({
      name: 'market_provider_calls_total',
      help: 'Provider calls by outcome.',
      labelNames: ['provider', 'outcome'],
      registers,
    }),
    latency: new Histogram({
      name: 'market_provider_call_seconds',
      help: 'Provider call latency.',
      labelNames: ['provider'],
      registers,
    }),
    circuit: new Gauge({
      name: 'market_provider_circuit_open',
      help: '1 while the provider circuit is open.',
      labelNames: ['provider'],
      registers,
    }),
    alerts: new Counter({
      name: 'market_alerts_raised_total',
      help: 'Alerts raised by kind.',
      labelNames: ['kind'],
      registers,
    }),
  };
}

/**
 * Collects the latest price of every followed ticker from one provider behind a circuit
 * breaker (opossum): after BREAKER_FAILURES failed calls in a row the circuit opens and calls are
 * refused at once; after BREAKER_RESET_SEC one call is let through (half-open) and a success
 * closes it. After each round every watch is checked for threshold crossings.
 */
export class Collector {
  private readonly breaker: CircuitBreaker<[string[], Date], Quote[]>;
  private readonly measure;
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly orm: Orm,
    private readonly source: PriceProvider,
    private readonly events: EventBus,
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly options: CollectorOptions,
  ) {
    this.measure = collectorMetrics(metrics);
    this.breaker = new CircuitBreaker((symbols: string[], at: Date) => source.quote(symbols, at), {
      timeout: 10_000,
      // Opening is decided below, on failures in a row, not on opossum's error percentage.
      volumeThreshold: Number.MAX_SAFE_INTEGER,
      resetTimeout: options.breakerResetSec * 1000,
    });
    let failuresInRow = 0;
    const observe = (_result: unknown, latencyMs: number) =>
      this.measure.latency.observe({ provider: source.name }, latencyMs / 1000);
    this.breaker.on('success', (result, latencyMs) => {
      failuresInRow = 0;
      observe(result, latencyMs);
    });
    this.breaker.on('failure', (error, latencyMs) => {
      observe(error, latencyMs);
      if (++failuresInRow >= options.breakerFailures && !this.breaker.opened) this.breaker.open();
    });
    this.breaker.on('open', () => void this.circuitChanged());
    this.breaker.on('halfOpen', () => void this.circuitChanged());
    this.breaker.on('close', () => void this.circuitChanged());
  }

  get provider(): string {
    return this.source.name;
  }

  get circuit(): Circuit {
    if (this.breaker.opened) return 'OPEN';
    return this.breaker.halfOpen ? 'HALF_OPEN' : 'CLOSED';
  }

  private async circuitChanged(): Promise<void> {
    const circuit = this.circuit;
    this.measure.circuit.set({ provider: this.source.name }, circuit === 'OPEN' ? 1 : 0);
    this.logger.warn({ provider: this.source.name, circuit }, 'provider circuit changed');
    await sqlRows(
      this.orm.em.fork(),
      `/* circuitChanged */ insert into ingestion.providers (name, circuit) values (?, ?)
       on conflict (name) do update set circuit = excluded.circuit, changed_at = now()`,
      [this.source.name, circuit],
    ).catch((error: unknown) => this.logger.error({ err: error }, 'could not record the circuit'));
  }

  start(): void {
    if (!this.options.intervalSec) return;
    this.timer = setInterval(() => {
      // A round still running when the next is due: skip this tick rather than overlap.
      if (this.inFlight.size === 0) void this.track(this.scheduledRound());
    }, this.options.intervalSec * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
    this.breaker.shutdown();
  }

  /** Keeps every round in flight known to stop(); a failing round is logged, never thrown at a timer. */
  private track<T>(work: Promise<T>): Promise<T> {
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    tracked.catch((error: unknown) =>
      this.logger.error({ err: error, provider: this.source.name }, 'collection round failed'),
    );
    return tracked;
  }

  /** The round of the current interval, unless another collector claimed it already. */
  private async scheduledRound(): Promise<RoundReport | null> {
    const round = Math.floor(Date.now() / 1000 / this.options.intervalSec);
    const claimed = await sqlRows(
      this.orm.em.fork(),
      `/* claimRound */ insert into ingestion.rounds (id, provider) values (?, ?) on conflict do nothing returning id`,
      [round, this.source.name],
    );
    if (!claimed.length) return null;
    return this.runRound(round);
  }

  /** A round now (collectNow), outside the schedule. */
  collectNow(): Promise<RoundReport> {
    return this.track(
      (async () => {
        const [row] = await sqlRows<{ id: string }>(
          this.orm.em.fork(),
          `/* manualRound */ insert into ingestion.rounds (id, provider) values (-nextval('ingestion.manual_rounds'), ?) returning id`,
          [this.source.name],
        );
        return this.runRound(Number(row!.id));
      })(),
    );
  }

  private async runRound(round: number): Promise<RoundReport> {
    const em = this.orm.em.fork();
    const at = new Date();
    const report: RoundReport = { round, tickers: 0, prices: 0, alerts: 0, error: null };
    try {
      const symbols = await followedSymbols(em);
      report.tickers = symbols.length;
      if (!symbols.length) return report;
      let quotes: Quote[];
      try {
        quotes = await this.breaker.fire(symbols, at);
        this.measure.calls.inc({ provider: this.source.name, outcome: 'success' });
      } catch (error) {
        const rejected = (error as { code?: string }).code === 'EOPENBREAKER';
        this.measure.calls.inc({ provider: this.source.name, outcome: rejected ? 'rejected' : 'failure' });
        this.logger.warn({ err: error, provider: this.source.name, round }, 'provider call failed');
        report.error = (error as Error).message;
        await this.recordFeeds(em, symbols, [], report.error);
        return report;
      }
      report.prices = await insertPrices(
        em,
        quotes.map((q) => ({ symbol: q.symbol, at, price: q.price })),
      );
      this.measure.tickers.inc(quotes.length);
      await this.recordFeeds(em, symbols, quotes, null);
      report.alerts = await this.raiseAlerts(quotes, at);
      return report;
    } catch (error) {
      report.error ??= (error as Error).message;
      throw error;
    } finally {
      await sqlRows(
        em,
        `/* finishRound */ update ingestion.rounds set finished_at = now(), tickers = ?, prices = ?, alerts = ?, error = ? where id = ?`,
        [report.tickers, report.prices, report.alerts, report.error, round],
      ).catch((error: unknown) => this.logger.error({ err: error, round }, 'could not record the round'));
    }
  }

  private async recordFeeds(
    em: EntityManager,
    symbols: string[],
    quotes: Quote[],
    error: string | null,
  ): Promise<void> {
    const price = new Map(quotes.map((q) => [q.symbol, q.price]));
    await sqlRows(
      em,
      `/* recordFeeds */ insert into ingestion.ticker_feeds as f (symbol, provider, last_success_at, last_price, consecutive_failures, last_error, updated_at)
       select s.symbol, ?, case when s.price is null then null else now() end, s.price,
              case when s.price is null then 1 else 0 end, ?, now()
       from unnest(?::text[], ?::float8[]) as s(symbol, price)
       on conflict (symbol) do update set provider = excluded.provider, updated_at = now(),
         last_success_at = coalesce(excluded.last_success_at, f.last_success_at),
         last_price = coalesce(excluded.last_price, f.last_price),
         consecutive_failures = case when excluded.last_price is null then f.consecutive_failures + 1 else 0 end,
         last_error = excluded.last_error`,
      [this.source.name, error, symbols, symbols.map((s) => price.get(s) ?? null)],
    );
  }

  /**
   * Compares every watch with its ticker's new price. One evaluation at a time (an advisory
   * lock), and never with an older price than the last one seen for a watch, so overlapping
   * rounds can neither double nor reverse an alert.
   */
  private async raiseAlerts(quotes: Quote[], at: Date): Promise<number> {
    const prices = new Map(quotes.map((q) => [q.symbol, q.price]));
    const symbols = [...prices.keys()];
    const raised = await this.orm.em.fork().transactional(async (em) => {
      await sqlRows(em, "/* alertLock */ select pg_advisory_xact_lock(hashtext('ingestion:alerts'))");
      const watches = await watchesOf(em, symbols);
      const previous = await sqlRows<{ user_id: string; symbol: string; side: Side; at: string }>(
        em,
        '/* watchSides */ select user_id, symbol, side, at from ingestion.watch_sides where symbol = any(?::text[])',
        [symbols],
      );
      const newer = new Set(previous.filter((p) => new Date(p.at) > at).map((p) => `${p.user_id}:${p.symbol}`));
      const current = watches.filter((w) => !newer.has(`${w.userId}:${w.symbol}`));
      const { alerts, sides } = evaluate(
        current,
        prices,
        new Map(previous.map((p) => [`${p.user_id}:${p.symbol}`, p.side])),
        at,
      );
      // Sides of watches that are gone (unwatched, user deleted) would suppress a later first alert.
      await sqlRows(
        em,
        `/* pruneSides */ delete from ingestion.watch_sides s where s.symbol = any(?::text[])
         and not exists (select 1 from users.watches w where w.user_id = s.user_id and w.symbol = s.symbol)`,
        [symbols],
      );
      if (sides.size) {
        const keys = [...sides.keys()].sort().map((k) => k.split(':') as [string, string]);
        await sqlRows(
          em,
          `/* saveSides */ insert into ingestion.watch_sides (user_id, symbol, side, at)
           select u, s, d, ? from unnest(?::uuid[], ?::text[], ?::text[]) as t(u, s, d)
           on conflict (user_id, symbol) do update set side = excluded.side, at = excluded.at
           where ingestion.watch_sides.at <= excluded.at`,
          [at, keys.map(([u]) => u), keys.map(([, sym]) => sym), keys.map(([u, sym]) => sides.get(`${u}:${sym}`)!)],
        );
      }
      const recorded = await recordAlerts(em, alerts);
      // The mail goes in the same transaction as the alert: neither exists without the other.
      if (recorded.length) {
        const column = <K extends keyof (typeof recorded)[number]>(key: K) => recorded.map((a) => a[key]);
        await sqlRows(
          em,
          `/* queueMails */ insert into ingestion.outbox (alert_id, user_id, symbol, kind, price, threshold, triggered_at)
           select * from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::float8[], ?::float8[], ?::timestamptz[])`,
          [
            column('id'),
            column('userId'),
            column('symbol'),
            column('kind'),
            column('price'),
            column('threshold'),
            column('triggeredAt'),
          ],
        );
      }
      return recorded;
    });
    // After the commit; a failed publish is logged and does not undo the stored alerts.
    for (const alert of raised) {
      this.measure.alerts.inc({ kind: alert.kind });
      await this.events
        .publish(alertRaised, { ...alert, triggeredAt: alert.triggeredAt.toISOString() })
        .catch((error: unknown) => this.logger.error({ err: error, alert: alert.id }, 'alert not published'));
    }
    return raised.length;
  }
}
