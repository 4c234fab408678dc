import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventBus, Logger, Metrics, Orm } from '@switchyard/kit';
import { alertRaised } from '@switchyard/users/events';
import { followedSymbols, insertPrices, type NewAlert, recordAlerts, watchesOf } from '@switchyard/users/market';
import { Counter, Gauge, Histogram } from 'prom-client';
import { evaluate } from '../alerts/evaluate.js';
import type { PriceProvider, Quote } from '../providers/provider.js';
import {
  alertLock,
  claimRound,
  finishRound,
  manualRound,
  pruneSides,
  recordFeeds,
  saveSides,
  watchSides,
} from './collector.sql.js';
import { Source } from './source.js';

export type { Circuit } from './source.js';

export interface RoundReport {
  round: number;
  tickers: number;
  prices: number;
  alerts: number;
  error: string | null;
}

export interface CollectorOptions {
  intervalSec: number;
  /** A round running longer than this counts as dead (and is run again). */
  timeoutSec: number;
  breakerFailures: number;
  breakerResetSec: number;
  /** Enqueues the mails of alerts just stored, in the transaction `em` stores them in. */
  mailAlerts(em: EntityManager, alerts: Array<NewAlert & { id: string }>): Promise<void>;
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
 * Collects the latest price of every followed ticker, each from the provider its route names,
 * every provider behind its own circuit breaker; after each round every watch is checked for
 * threshold crossings.
 */
export class Collector {
  private readonly measure;
  private readonly sources: Map<string, Source>;
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly orm: Orm,
    providers: PriceProvider[],
    /** Which provider collects a symbol. */
    private readonly route: (symbol: string) => string,
    private readonly events: EventBus,
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly options: CollectorOptions,
  ) {
    this.measure = collectorMetrics(metrics);
    this.sources = new Map(
      providers.map((p) => [
        p.name,
        new Source(p, orm, logger, this.measure, {
          failures: options.breakerFailures,
          resetSec: options.breakerResetSec,
        }),
      ]),
    );
  }

  /** The providers this collector uses. */
  get providers(): string[] {
    return [...this.sources.keys()];
  }

  /**
   * Every COLLECT_INTERVAL, offers the round of the interval to `enqueue`: the job queue keeps one
   * collect-round job per interval, whichever replicas offer it, and one replica runs it.
   */
  start(enqueue: (round: number, intervalSec: number) => Promise<unknown>): void {
    if (!this.options.intervalSec) return;
    const offer = () => {
      const round = Math.floor(Date.now() / 1000 / this.options.intervalSec);
      enqueue(round, this.options.intervalSec).catch((error: unknown) =>
        this.logger.error({ err: error, round }, 'round not scheduled'),
      );
    };
    offer();
    this.timer = setInterval(offer, this.options.intervalSec * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
    for (const source of this.sources.values()) source.shutdown();
  }

  /** Keeps every round in flight known to stop(); a failing round is logged, never thrown at a timer. */
  private track<T>(work: Promise<T>): Promise<T> {
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    tracked.catch((error: unknown) =>
      this.logger.error({ err: error, providers: this.providers }, 'collection round failed'),
    );
    return tracked;
  }

  /**
   * A scheduled round (a collect-round job), unless a run of it is going or done: one that began
   * more than half of COLLECT_TIMEOUT_SEC ago and never finished (its replica died) is run again.
   * Its prices are stamped with the interval's start, so a second run stores none twice.
   */
  scheduledRound(round: number, intervalSec: number): Promise<RoundReport | null> {
    return this.track(
      (async () => {
        const claimed = await claimRound(this.orm.em.fork(), {
          id: round,
          provider: this.providers.join(','),
          staleSec: this.options.timeoutSec / 2,
        });
        if (!claimed.length) return null;
        return this.runRound(round, new Date(round * intervalSec * 1000));
      })(),
    );
  }

  /** A round now (collectNow), outside the schedule. */
  collectNow(): Promise<RoundReport> {
    return this.track(
      (async () => {
        const [row] = await manualRound(this.orm.em.fork(), { provider: this.providers.join(',') });
        return this.runRound(Number(row!.id), new Date());
      })(),
    );
  }

  private async runRound(round: number, at: Date): Promise<RoundReport> {
    const em = this.orm.em.fork();
    const report: RoundReport = { round, tickers: 0, prices: 0, alerts: 0, error: null };
    try {
      const symbols = await followedSymbols(em);
      report.tickers = symbols.length;
      const groups = new Map<Source, string[]>();
      for (const symbol of symbols) {
        const source = this.sources.get(this.route(symbol))!;
        groups.set(source, [...(groups.get(source) ?? []), symbol]);
      }
      // Every provider at once; one that fails (or whose circuit is open) costs only its own tickers.
      const results = await Promise.all(
        [...groups].map(async ([source, group]) => {
          try {
            const quotes = await source.quote(group, at);
            await this.recordFeeds(em, source.name, group, quotes, null);
            return quotes;
          } catch (error) {
            this.logger.warn({ err: error, provider: source.name, round }, 'provider call failed');
            const message = `${source.name}: ${(error as Error).message}`;
            report.error = report.error ? `${report.error}; ${message}` : message;
            await this.recordFeeds(em, source.name, group, [], (error as Error).message);
            return [];
          }
        }),
      );
      const quotes = results.flat();
      if (!quotes.length) return report;
      report.prices = await insertPrices(
        em,
        quotes.map((q) => ({ symbol: q.symbol, at, price: q.price })),
      );
      this.measure.tickers.inc(quotes.length);
      report.alerts = await this.raiseAlerts(quotes, at);
      return report;
    } catch (error) {
      report.error ??= (error as Error).message;
      throw error;
    } finally {
      await finishRound(em, {
        id: round,
        tickers: report.tickers,
        prices: report.prices,
        alerts: report.alerts,
        error: report.error,
      }).catch((error: unknown) => this.logger.error({ err: error, round }, 'could not record the round'));
    }
  }

  private async recordFeeds(
    em: EntityManager,
    provider: string,
    symbols: string[],
    quotes: Quote[],
    error: string | null,
  ): Promise<void> {
    const price = new Map(quotes.map((q) => [q.symbol, q.price]));
    await recordFeeds(em, { provider, error, symbols, prices: symbols.map((s) => price.get(s) ?? null) });
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
      await alertLock(em, {});
      const watches = await watchesOf(em, symbols);
      const previous = await watchSides(em, { symbols });
      const newer = new Set(previous.filter((p) => new Date(p.at) > at).map((p) => `${p.user_id}:${p.symbol}`));
      const current = watches.filter((w) => !newer.has(`${w.userId}:${w.symbol}`));
      const { alerts, sides } = evaluate(
        current,
        prices,
        new Map(previous.map((p) => [`${p.user_id}:${p.symbol}`, p.side])),
        at,
      );
      // Sides of watches that are gone (unwatched, user deleted) would suppress a later first alert.
      await pruneSides(em, { symbols });
      if (sides.size) {
        const keys = [...sides.keys()].sort().map((k) => k.split(':') as [string, string]);
        await saveSides(em, {
          at,
          userIds: keys.map(([u]) => u),
          symbols: keys.map(([, sym]) => sym),
          sides: keys.map(([u, sym]) => sides.get(`${u}:${sym}`)!),
        });
      }
      const recorded = await recordAlerts(em, alerts);
      // The mail goes in the same transaction as the alert: neither exists without the other.
      if (recorded.length) await this.options.mailAlerts(em, recorded);
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
