// Typed SQL modules: the style for set-based and bulk work (aggregates use MikroORM entities).
// A statement names its parameters (`:siteId`, as often as it needs them) and its row type; it is
// checked and compiled to positional parameters once, when the module loads.
import { sqlRows } from './db.js';

type Runner = Parameters<typeof sqlRows>[0];

/** A compiled statement: call it with an entity manager (or transaction) and its named parameters. */
export type Statement<P, R> = (em: Runner, params: P) => Promise<R[]>;

/** The parts of `text` outside quoted strings, quoted identifiers and comments, with their offsets. */
function codeSpans(text: string): Array<[start: number, end: number]> {
  const spans: Array<[number, number]> = [];
  const skip = /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\//g;
  let at = 0;
  for (const match of text.matchAll(skip)) {
    spans.push([at, match.index]);
    at = match.index + match[0].length;
  }
  spans.push([at, text.length]);
  return spans;
}

/**
 * Declares a statement with named parameters: `:name` (letters, digits, _), never `::type` casts
 * and never inside strings or comments. A bare `?` is refused (it would be taken as a positional
 * parameter), as is a parameter the call does not supply.
 */
export function statement<P extends Record<string, unknown>, R = Record<string, unknown>>(
  text: string,
): Statement<P, R> {
  const names: string[] = [];
  let compiled = '';
  let copied = 0;
  for (const [start, end] of codeSpans(text)) {
    const code = text.slice(start, end);
    if (code.includes('?'))
      throw new Error(`SQL statements name their parameters (:name), no "?": ${text.slice(0, 80)}`);
    for (const match of code.matchAll(/(?<![:\w]):([A-Za-z_]\w*)/g)) {
      const at = start + match.index;
      compiled += `${text.slice(copied, at)}?`;
      copied = at + match[0].length;
      names.push(match[1]!);
    }
  }
  compiled += text.slice(copied);
  return async (em, params) => {
    const values = names.map((name) => {
      if (!(name in params)) throw new Error(`SQL parameter :${name} was not given`);
      const value = params[name];
      return value === undefined ? null : value;
    });
    return sqlRows<R>(em as Parameters<typeof sqlRows<R>>[0], compiled, values);
  };
}

/**
 * The named columns of `rows`, each as an array: the parameters of an `unnest(:id::uuid[], ...)`
 * statement whose parameters are named after the rows' fields.
 */
export function columns<T, K extends keyof T & string>(rows: readonly T[], keys: readonly K[]): { [P in K]: T[P][] } {
  return Object.fromEntries(keys.map((key) => [key, rows.map((row) => row[key])])) as { [P in K]: T[P][] };
}

/**
 * Columns made from rows by `pick`'s functions, in one pass, where a parameter is not a field as it
 * is (`columns` is for those): `columnsBy(readings, { ids: (r) => r.sensorId, times: (r) =>
 * r.at.getTime() })` gives `{ ids: [...], times: [...] }`.
 */
export function columnsBy<T, C extends Record<string, (row: T) => unknown>>(
  rows: readonly T[],
  pick: C,
): { [K in keyof C]: Array<ReturnType<C[K]>> } {
  const entries = Object.entries(pick).map(([name, of]) => ({ name, of, values: new Array<unknown>(rows.length) }));
  rows.forEach((row, i) => {
    for (const column of entries) column.values[i] = column.of(row);
  });
  return Object.fromEntries(entries.map((column) => [column.name, column.values])) as {
    [K in keyof C]: Array<ReturnType<C[K]>>;
  };
}
