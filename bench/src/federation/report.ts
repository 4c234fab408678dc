import type { RoundResult } from './load.js';

/** A contender's rounds in one row: medians of RPS and latency, the largest peak RSS, summed errors. */
export interface Summary {
  contender: string;
  rounds: number;
  rps: number;
  p50: number;
  p99: number;
  peakRssMb: number;
  probe: RoundResult['probe'];
  underLoad: RoundResult['underLoad'];
  errors: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const errorsOf = (r: RoundResult) => r.errors.non2xx + r.errors.mismatches + r.errors.connection;

export function summarise(results: RoundResult[], names: string[]): Summary[] {
  return names.map((contender) => {
    const rounds = results.filter((r) => r.contender === contender);
    return {
      contender,
      rounds: rounds.length,
      rps: median(rounds.map((r) => r.rps)),
      p50: median(rounds.map((r) => r.p50)),
      p99: median(rounds.map((r) => r.p99)),
      peakRssMb: Math.max(...rounds.map((r) => r.peakRssMb)),
      probe: rounds[0]!.probe,
      underLoad: {
        fetches: median(rounds.map((r) => r.underLoad.fetches)),
        representations: median(rounds.map((r) => r.underLoad.representations)),
      },
      errors: rounds.reduce((n, r) => n + errorsOf(r), 0),
    };
  });
}

/** Columns before `textColumns` are text, aligned left; the rest are figures, aligned right. */
function table(header: string[], rows: string[][], textColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < textColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const fixed = (n: number, digits = 1) => n.toFixed(digits);
const percent = (share: number) => `${Math.round(share * 100)}%`;

export function roundsTable(results: RoundResult[]): string {
  return table(
    [
      'round',
      'contender',
      'requests',
      'RPS',
      'p50 ms',
      'p99 ms',
      'peak RSS MB',
      'ready RSS MB',
      'non2xx',
      'mismatch',
      'conn err',
      'CPU gateway',
      'CPU subgraphs',
      'CPU bench',
    ],
    results.map((r) => [
      String(r.round),
      r.contender,
      String(r.requests),
      fixed(r.rps),
      String(r.p50),
      String(r.p99),
      fixed(r.peakRssMb),
      fixed(r.readyRssMb),
      String(r.errors.non2xx),
      String(r.errors.mismatches),
      String(r.errors.connection),
      percent(r.cpu.contender),
      percent(r.cpu.subgraphs),
      percent(r.cpu.loadGenerator),
    ]),
    2,
  );
}

export function summaryTable(summaries: Summary[]): string {
  const stock = summaries.find((s) => s.contender === 'stock');
  const ratio = (value: number, base: number | undefined) => (base ? `${(value / base).toFixed(2)}x` : '-');
  return table(
    [
      'contender',
      'RPS',
      'p50 ms',
      'p99 ms',
      'peak RSS MB',
      'fetches/req',
      'reps/req',
      'errors',
      'RPS vs stock',
      'p99 vs stock',
      'RSS vs stock',
    ],
    summaries.map((s) => [
      s.contender,
      fixed(s.rps),
      fixed(s.p50),
      fixed(s.p99),
      fixed(s.peakRssMb),
      `${s.probe.fetches} (${fixed(s.underLoad.fetches)})`,
      `${s.probe.representations} (${fixed(s.underLoad.representations)})`,
      String(s.errors),
      ratio(s.rps, stock?.rps),
      ratio(s.p99, stock?.p99),
      ratio(s.peakRssMb, stock?.peakRssMb),
    ]),
  );
}

/** Issue 9's targets, where the contenders they compare were run. */
export function targets(summaries: Summary[]): string[] {
  const by = (name: string) => summaries.find((s) => s.contender === name);
  const stock = by('stock');
  const switchyard = by('switchyard');
  const traced = by('switchyard-traced');
  const check = (label: string, value: number, target: string, met: boolean) =>
    `${label.padEnd(36)} ${value.toFixed(2)}x   target ${target.padEnd(7)} ${met ? 'met' : 'NOT met'}`;
  const lines: string[] = [];
  if (stock && switchyard) {
    lines.push(
      check('throughput, switchyard / stock', switchyard.rps / stock.rps, '>= 2.5x', switchyard.rps >= 2.5 * stock.rps),
    );
    lines.push(
      check('p99, switchyard / stock', switchyard.p99 / stock.p99, '<= 0.5x', switchyard.p99 <= 0.5 * stock.p99),
    );
    lines.push(
      check(
        'peak RSS, switchyard / stock',
        switchyard.peakRssMb / stock.peakRssMb,
        '<= 1x',
        switchyard.peakRssMb <= stock.peakRssMb,
      ),
    );
  }
  if (switchyard && traced) {
    lines.push(
      check('throughput, tracing on / off', traced.rps / switchyard.rps, '>= 0.9x', traced.rps >= 0.9 * switchyard.rps),
    );
  }
  return lines;
}
