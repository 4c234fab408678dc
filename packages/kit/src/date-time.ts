import { GraphQLDateTimeISO } from 'graphql-scalars';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
/** 400 Gregorian years, in ms: Date.UTC reads years 0-99 as 1900-1999, so it is given year + 400. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

/** The number written by `count` ASCII digits of `text` from `at`, or -1 where one is no digit. */
function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/** Whether the character at `i` is `one` or `other`. */
function at(text: string, i: number, one: string, other = one): boolean {
  const code = text.charCodeAt(i);
  return code === one.charCodeAt(0) || code === other.charCodeAt(0);
}

/**
 * The instant an RFC 3339 date-time names (`2026-12-05T10:15:30Z`, `...T10:15:30.123+01:00`; `t`
 * and `z` in either case, any number of fraction digits, read to the millisecond as Date does; no
 * leap second), or undefined when `text` is none. Read by position: graphql-scalars upper-cases
 * the text, tries three regular expressions and has Date parse it again.
 */
function parseRfc3339(text: string): Date | undefined {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || !at(text, 4, '-') || !at(text, 7, '-') || !at(text, 10, 'T', 't')) return undefined;
  if (!at(text, 13, ':') || !at(text, 16, ':')) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month]!) return undefined;
  if ((month === 2 && day === 29 && !leapYear(year)) || hour < 0 || hour > 23) return undefined;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  let i = 19;
  let ms = 0;
  if (at(text, i, '.')) {
    const from = ++i;
    while (digits(text, i, 1) >= 0) i++;
    if (i === from) return undefined;
    ms = digits(text.slice(from, Math.min(i, from + 3)).padEnd(3, '0'), 0, 3);
  }
  let offsetMinutes = 0;
  if (at(text, i, 'Z', 'z') && text.length === i + 1) {
    // UTC
  } else if (at(text, i, '+', '-') && text.length === i + 6 && at(text, i + 3, ':')) {
    const hours = digits(text, i + 1, 2);
    const minutes = digits(text, i + 4, 2);
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
    offsetMinutes = (text[i] === '+' ? 1 : -1) * (hours * 60 + minutes);
  } else {
    return undefined;
  }
  const utc = Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - FOUR_CENTURIES_MS;
  return new Date(utc - offsetMinutes * 60_000);
}

const validDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * `date.toISOString()` for a valid Date, built here for years 1000 to 9999: V8 formats it through
 * C's printf, which took 0.5 ms of a 720-point series' answer (this, about 0.3 with the JSON).
 */
export function isoString(date: Date): string {
  const year = date.getUTCFullYear();
  if (year < 1000 || year > 9999) return date.toISOString();
  return `${year}-${TWO_DIGITS[date.getUTCMonth() + 1]}-${TWO_DIGITS[date.getUTCDate()]}T${TWO_DIGITS[date.getUTCHours()]}:${TWO_DIGITS[date.getUTCMinutes()]}:${TWO_DIGITS[date.getUTCSeconds()]}.${THREE_DIGITS[date.getUTCMilliseconds()]}Z`;
}

function parsed(value: unknown): Date {
  if (value instanceof Date) {
    if (validDate(value)) return value;
    throw new GraphQLError('DateTime cannot represent an invalid Date instance');
  }
  if (typeof value === 'string') {
    const date = parseRfc3339(value);
    if (date) return date;
    throw new GraphQLError(`DateTime cannot represent an invalid date-time-string ${value}.`);
  }
  throw new GraphQLError(`DateTime cannot represent non string or Date type ${JSON.stringify(value)}`);
}

/**
 * graphql-scalars' `DateTimeISO` (type-graphql's scalar for `Date`), same name, description,
 * answers and error messages, reading a string by position: it parses every instant of a batch
 * of readings, 10,000 at a time, in about a fifth of the time (1.3 against 6.4 ms per 10,000 on
 * this 2-core machine). The tests hold it to graphql-scalars' own answers.
 */
export const DateTimeISO = new GraphQLScalarType<Date, string>({
  name: GraphQLDateTimeISO.name,
  description: GraphQLDateTimeISO.description,
  specifiedByURL: GraphQLDateTimeISO.specifiedByURL,
  extensions: GraphQLDateTimeISO.extensions,
  serialize(value) {
    if (validDate(value)) return isoString(value);
    if (typeof value === 'string' || value instanceof Date) return parsed(value).toISOString();
    if (typeof value === 'number') return new Date(value).toISOString();
    throw new GraphQLError(
      `DateTime cannot be serialized from a non string, non numeric or non Date type ${JSON.stringify(value)}`,
    );
  },
  parseValue: parsed,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError(`DateTime cannot represent non string or Date type ${'value' in ast && ast.value}`, {
        nodes: ast,
      });
    }
    const date = parseRfc3339(ast.value);
    if (date) return date;
    throw new GraphQLError(`DateTime cannot represent an invalid date-time-string ${ast.value}.`, { nodes: ast });
  },
});
