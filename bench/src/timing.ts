import { Agent, request } from 'node:http';

// Timing of sequential calls, with no dependency on the stack (the series reader runs it in a
// process of its own).

/**
 * A GraphQL caller for timed reads: node:http over one kept-alive connection, each answer parsed
 * whole and refused if it has errors. Lighter than fetch (about a third less CPU per 66 KB
 * answer here), so the bench's own client takes less of the cores the services it times share.
 */
export function keptAliveCaller(url: string, token: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return <T = Record<string, any>>(query: string, variables?: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) => {
      const body = JSON.stringify({ query, variables });
      const headers = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${token}`,
      };
      const req = request(url, { method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          try {
            const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (answer.errors?.length || !answer.data) reject(new Error(`GraphQL errors: ${JSON.stringify(answer)}`));
            else resolve(answer.data as T);
          } catch (error) {
            reject(error);
          }
        });
      });
      req.on('error', reject);
      req.end(body);
    });
}

/** Latency percentiles (ms) of `runs` sequential calls, after `warmup` unmeasured ones. */
export async function latency(call: () => Promise<unknown>, runs: number, warmup = Math.ceil(runs / 10)) {
  for (let i = 0; i < warmup; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await call();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { runs, ...percentiles(times) };
}

/** p50, p99 and max (nearest rank) of `values`, which it sorts; zeros when there are none. */
export function percentiles(values: number[]): { p50: number; p99: number; max: number } {
  values.sort((a, b) => a - b);
  const at = (p: number) => values[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)] ?? 0;
  return { p50: at(50), p99: at(99), max: values.at(-1) ?? 0 };
}
