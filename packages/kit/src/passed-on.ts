// Answers a server passes on as it received them (the gateway's direct answers): the JSON text is
// written out again as it came, instead of being parsed into objects and serialised once more.

/**
 * What a passed-on data object answers for the whole answer's text (`{"data":...}`) it stands for.
 * (Not a WeakMap: a WeakMap's values outlive young-generation collections here, so every answer's
 * text would be copied and promoted.)
 */
const TEXT = Symbol('passed-on answer text');

/**
 * A stand-in for the `data` of `answer`, a GraphQL response's JSON text that has `data` (an object)
 * and nothing else. `stringifyResult` writes `answer` itself out for a result that is only this
 * data, while nothing has looked inside it; anything that does (a plugin, a stored idempotent
 * answer, a test) gets the data parsed from the text, as plain properties of the stand-in, and the
 * result is then serialised anew, with whatever was changed.
 */
export function passedOn(answer: string): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  let parsed = false;
  const data = () => {
    if (!parsed) {
      parsed = true;
      const fields = (JSON.parse(answer) as { data: Record<string, unknown> }).data;
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
  return new Proxy(target, {
    get: (_, key) => (key === TEXT ? (parsed ? undefined : answer) : Reflect.get(data(), key)),
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
 * errors or extensions added since), the text that answer came as.
 */
export function stringifyResult(result: object): string {
  const fields = result as Record<string, unknown>;
  const data = fields.data as { [TEXT]?: string } | null | undefined;
  const text = typeof data === 'object' && data !== null ? data[TEXT] : undefined;
  if (text === undefined) return JSON.stringify(result);
  for (const key of Object.keys(fields)) {
    if (key !== 'data' && fields[key] !== undefined) return JSON.stringify(result);
  }
  return text;
}
