import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Kind, type StringValueNode } from 'graphql';
import { Field, ObjectType, Query, Resolver } from 'type-graphql';
import { buildFederatedSchema, DateTimeISO } from '../index.js';
import { isoString } from '../date-time.js';

/** What a scalar function answers: the instant, the text, or the error's message. */
function outcome(run: () => unknown): string {
  try {
    const value = run();
    return value instanceof Date ? `date ${value.getTime()}` : `value ${String(value)}`;
  } catch (error) {
    return `error ${(error as Error).message}`;
  }
}

/** A seeded generator (mulberry32), so a failure names a case that replays. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Date-times near the edges (month lengths, leap years, offsets, fractions, case) and their mutants. */
function corpus(count: number): string[] {
  const next = random(7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const two = (n: number) => String(n).padStart(2, '0');
  const texts = [
    '',
    ' 2026-12-05T10:15:30Z',
    '2026-12-05T10:15:30Z ',
    '2026-12-05',
    '2026-12-05T10:15Z',
    '2026-12-05 10:15:30Z',
    '2026-12-05T10:15:30',
    '2026-12-05T10:15:30.Z',
    '2026-12-05T10:15:30|01:00',
    '+002026-12-05T10:15:30Z',
    '2026-12-05T24:00:00Z',
    '2026-12-05T23:59:60Z',
    '2026-12-05T10:15:30+24:00',
    '２０２６-12-05T10:15:30Z',
  ];
  const chars = '0123456789-:+.TtZz| x';
  while (texts.length < count) {
    const year = pick([0, 1, 1900, 1970, 2000, 2023, 2024, 2026, 2100, 2400, 9999]) + (next() < 0.2 ? 1 : 0);
    const month = 1 + Math.floor(next() * 13);
    const day = pick([1, 15, 28, 29, 30, 31, 32, 0]);
    const time = `${two(Math.floor(next() * 25))}:${two(Math.floor(next() * 61))}:${two(Math.floor(next() * 61))}`;
    const fraction = pick(['', '', '.5', '.123', '.123456789', '.']);
    const zone = pick(['Z', 'z', '+01:00', '-05:30', '+23:59', '-24:00', '+1:00', '']);
    let text = `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}${pick(['T', 't'])}${time}${fraction}${zone}`;
    if (next() < 0.3) {
      const at = Math.floor(next() * text.length);
      const change = pick(['replace', 'drop', 'insert']);
      const char = pick([...chars]);
      text =
        change === 'drop'
          ? text.slice(0, at) + text.slice(at + 1)
          : text.slice(0, at) + char + text.slice(change === 'replace' ? at + 1 : at);
    }
    texts.push(text);
  }
  return texts;
}

describe('DateTimeISO', () => {
  const texts = corpus(10_000);

  it('answers every text as graphql-scalars does: the same instant or the same error', () => {
    let valid = 0;
    for (const text of texts) {
      const theirs = outcome(() => GraphQLDateTimeISO.parseValue(text));
      expect([text, outcome(() => DateTimeISO.parseValue(text))]).toEqual([text, theirs]);
      const literal: StringValueNode = { kind: Kind.STRING, value: text };
      expect([text, outcome(() => DateTimeISO.parseLiteral(literal))]).toEqual([
        text,
        outcome(() => GraphQLDateTimeISO.parseLiteral(literal)),
      ]);
      expect([text, outcome(() => DateTimeISO.serialize(text))]).toEqual([
        text,
        outcome(() => GraphQLDateTimeISO.serialize(text)),
      ]);
      if (theirs.startsWith('date')) valid++;
    }
    // Both sides of the line are well covered.
    expect(valid).toBeGreaterThan(texts.length / 5);
    expect(valid).toBeLessThan((texts.length * 4) / 5);
  });

  it('takes and gives Dates, numbers and other values as graphql-scalars does', () => {
    const values = [new Date(0), new Date('2026-12-05T10:15:30.123Z'), new Date(Number.NaN), 0, 1.5e12, Number.NaN];
    for (const value of [...values, null, undefined, true, {}, [], 42n.toString()]) {
      expect(outcome(() => DateTimeISO.serialize(value))).toBe(outcome(() => GraphQLDateTimeISO.serialize(value)));
      expect(outcome(() => DateTimeISO.parseValue(value))).toBe(outcome(() => GraphQLDateTimeISO.parseValue(value)));
    }
    const number = { kind: Kind.INT, value: '1' } as const;
    expect(outcome(() => DateTimeISO.parseLiteral(number))).toBe(
      outcome(() => GraphQLDateTimeISO.parseLiteral(number)),
    );
  });

  it("writes a Date as toISOString does, at every year's edges and in between", () => {
    const edges = [
      -62198755200000, -62135596800001, -30610224000001, -30610224000000, 0, 253402300799999, 253402300800000,
    ];
    const random = Array.from({ length: 20_000 }, (_, i) =>
      Math.round((Math.random() * 2 - 1) * 8.64e15 * (i % 2 ? 1e-3 : 1)),
    );
    const leap = [Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2000, 1, 29), Date.UTC(1900, 2, 1)];
    for (const ms of [...edges, ...random, ...leap, 8.64e15, -8.64e15]) {
      const date = new Date(ms);
      expect([ms, isoString(date)]).toEqual([ms, date.toISOString()]);
    }
  });

  it('is the scalar of every Date in a subgraph built by the kit', async () => {
    @ObjectType()
    class Clock {
      @Field() now!: Date;
    }
    @Resolver()
    class ClockResolver {
      @Query(() => Clock) clock(): Clock {
        return { now: new Date(0) };
      }
    }
    const schema = await buildFederatedSchema({ resolvers: [ClockResolver] });
    const scalar = schema.getType('DateTimeISO') as typeof DateTimeISO;
    expect(scalar.description).toBe(GraphQLDateTimeISO.description);
    expect(scalar.parseValue).toBe(DateTimeISO.parseValue);
    expect(scalar.parseLiteral).toBe(DateTimeISO.parseLiteral);
  });
});
