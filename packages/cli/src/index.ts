/** A mistake in the command line: exit code 2, after the usage (any other failure: 1). */
export class UsageError extends Error {}

/** node:util's parseArgs (as `read`), its refusals (an unknown option, a missing value) as UsageError. */
export function parseCommandLine<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `--name`'s value as a whole number from `min` to `max`, or a UsageError saying so. */
export function wholeNumber(value: string | undefined, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    const range = max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : min > 0 ? ` of at least ${min}` : '';
    throw new UsageError(`--${name} must be a whole number${range}`);
  }
  return n;
}

/**
 * A numeric setting from the environment (a benchmark's BENCH_*), `fallback` when unset; a value
 * that is not a whole number in range ends the process with exit code 2, saying so.
 */
export function numberSetting(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const value = process.env[name];
  if (value === undefined) return fallback;
  try {
    return wholeNumber(value, name, min, max);
  } catch (error) {
    console.error((error as Error).message.replace(`--${name}`, name));
    process.exit(2);
  }
}

/**
 * Runs a tool's `main` and exits with its code: a UsageError exits 2 after the usage, any other
 * failure 1, each with `name: message` on stderr.
 */
export function runCommand(name: string, usage: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`${name}: ${(error as Error).message}`);
      if (error instanceof UsageError) console.error(`\n${usage}`);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}

const MAX_ATTEMPTS = 10;

/**
 * One GraphQL operation on the gateway at `url`, as `token`'s bearer. When the rate limit answers
 * 429 it waits as Retry-After says and tries again; an error answer throws with its message and
 * `code`; an unreachable gateway throws saying so.
 */
export async function callGateway<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  let response: Response;
  for (let attempt = 1; ; attempt++) {
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw Object.assign(new Error(`cannot reach ${url} (${cause})`), { code: 'UNREACHABLE' });
    }
    if (response.status !== 429 || attempt === MAX_ATTEMPTS) break;
    await response.body?.cancel();
    const waitSec = Math.min(Number(response.headers.get('retry-after')) || 1, 60);
    await new Promise((resolve) => setTimeout(resolve, waitSec * 1000));
  }
  const body = (await response.json().catch(() => ({}))) as {
    data?: T;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  if (body.errors?.length || !body.data) {
    const error = body.errors?.[0];
    throw Object.assign(new Error(error ? error.message : `HTTP ${response.status}`), {
      code: error?.extensions?.code,
    });
  }
  return body.data;
}
