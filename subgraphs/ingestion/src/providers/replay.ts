import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { PriceProvider, Quote } from './provider.js';

/**
 * Plays back a CSV of `date,symbol,price` (a header row is allowed) in date order: each call
 * gives every asked symbol its next price, and nothing once its series has run out. The file
 * is read on the first call, so a missing file fails each call (and trips the breaker).
 */
export class ReplayProvider implements PriceProvider {
  readonly name = 'replay';
  private series?: Map<string, number[]>;
  private readonly position = new Map<string, number>();

  constructor(private readonly file: string) {}

  private async load(): Promise<Map<string, number[]>> {
    const rows = parse(await readFile(this.file, 'utf8'), { skip_empty_lines: true, trim: true }) as string[][];
    const data = rows
      .filter((r) => r[0] !== 'date')
      .map(([date, symbol, price]) => ({ at: Date.parse(date!), symbol: symbol!, price: Number(price) }))
      .filter((r) => Number.isFinite(r.at) && Number.isFinite(r.price) && r.symbol)
      .sort((a, b) => a.at - b.at);
    const series = new Map<string, number[]>();
    for (const row of data) {
      const list = series.get(row.symbol) ?? [];
      list.push(row.price);
      series.set(row.symbol, list);
    }
    return series;
  }

  async quote(symbols: string[]): Promise<Quote[]> {
    this.series ??= await this.load();
    const quotes: Quote[] = [];
    for (const symbol of symbols) {
      const at = this.position.get(symbol) ?? 0;
      const price = this.series.get(symbol)?.[at];
      if (price === undefined) continue;
      this.position.set(symbol, at + 1);
      quotes.push({ symbol, price });
    }
    return quotes;
  }
}
