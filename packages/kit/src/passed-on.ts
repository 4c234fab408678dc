// Answers a server passes on as it received them (the gateway's direct answers): the JSON text is
// written out again as it came, instead of being parsed into objects and serialised once more.

/**
 * What a passed-on data object hands over, once, for writing out: the whole answer's text
 * (`{"data":...}`) it stands for, while nothing has looked inside it. (Not a WeakMap: a WeakMap's
 * values outlive young-generation collections here, so every answer's text would be copied and
 * promoted.)
 */
const TAKE = Symbol('passed-on answer text');

/**
 * A stand-in for the `data` of `answer`, a GraphQL response's JSON text that has `data` (an object)
 * and nothing else. `stringifyResult` writes `answer` itself out for a result that is only this
 * data, while nothing has looked inside it; anything that does (a plugin, a stored idempotent
 * answer, a test) gets the data parsed from the text, as plain properties of the stand-in, and the
 * result is then serialised anew, with whatever was changed.
 *
 * Once written out, the stand-in lets go of the text (reading it afterwards is an error): the
 * request's objects can outlive the request in the gateway's young generation, and the answer's
 * text, the bulk of them, was then copied and promoted with them (9 MB per collection, where
 * 1 MB without it; docs/benchmarks.md).
 */
export function passedOn(answer: string): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  let text: string | undefined = answer;
  let state: 'text' | 'parsed' | 'written' = 'text';
  const data = () => {
    if (state === 'written') {
      throw new Error('a passed-on answer was read after it was written out (its text is no longer kept)');
    }
    if (state === 'text') {
      state = 'parsed';
      const fields = (JSON.parse(text!) as { data: Record<string, unknown> }).data;
      text = undefined;
      for (const key of Object.keys(fields)) {
        Object.defineProperty(target, key, {
          value: fields[key],
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
    }
    return target;
  };
  /** The text, once, while nothing has looked inside; after it, the stand-in has been written out. */
  const take = () => {
    if (state !== 'text') return undefined;
    const taken = text;
    text = undefined;
    state = 'written';
    return taken;
  };
  return new Proxy(target, {
    get: (_, key) => (key === TAKE ? take() : Reflect.get(data(), key)),
    set: (_, key, value) => Reflect.set(data(), key, value),
    has: (_, key) => Reflect.has(data(), key),
    deleteProperty: (_, key) => Reflect.deleteProperty(data(), key),
    ownKeys: () => Reflect.ownKeys(data()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(data(), key),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(data(), key, descriptor),
    preventExtensions: () => Reflect.preventExtensions(data()),
  });
}

/**
 * A GraphQL result as JSON on one line: for a result that is only a passed-on answer's data (no
 * errors or extensions added since), the text that answer came as (handed over: the stand-in keeps
 * it no longer).
 */
export function stringifyResult(result: object): string {
  const fields = result as Record<string, unknown>;
  const data = fields.data as { [TAKE]?: string } | null | undefined;
  if (typeof data !== 'object' || data === null) return JSON.stringify(result);
  for (const key of Object.keys(fields)) {
    if (key !== 'data' && fields[key] !== undefined) return JSON.stringify(result);
  }
  return data[TAKE] ?? JSON.stringify(result);
}
