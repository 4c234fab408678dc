import { deepStrictEqual } from 'node:assert';
import autocannon from 'autocannon';
import type { Child } from './children.js';
import type { Counts } from './serve.js';
import { DEEP_QUERY, expectedAnswer } from './query.js';

export interface LoadSettings {
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

/** One contender's round: figures from the measured window only (not its warm-up). */
export interface RoundResult {
  contender: string;
  round: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  peakRssMb: number;
  /** Resident set once it answered, before any load: what it carries before work. */
  readyRssMb: number;
  /** Subgraph fetches and representations of the one verified request. */
  probe: { fetches: number; representations: number };
  /** The same, averaged over the requests sent in the measured window. */
  underLoad: { fetches: number; representations: number };
  /** Share of one CPU each process used in the measured window: who was the bottleneck. */
  cpu: { contender: number; subgraphs: number; loadGenerator: number };
  errors: { non2xx: number; mismatches: number; connection: number };
}

const BODY = JSON.stringify({ query: DEEP_QUERY });
const HEADERS = { 'content-type': 'application/json' };
const expected = expectedAnswer();

async function totals(admin: string) {
  const counts = (await (await fetch(admin)).json()) as Record<string, Counts>;
  const all = Object.values(counts);
  return {
    fetches: all.reduce((n, c) => n + c.requests, 0),
    representations: all.reduce((n, c) => n + c.representations, 0),
  };
}

/**
 * The totals once requests still running in the gateway (autocannon drops its sockets at the end,
 * the gateway carries on) have made their fetches: two equal readings 100 ms apart.
 */
async function settledTotals(admin: string) {
  let last = await totals(admin);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await totals(admin);
    if (now.fetches === last.fetches) return now;
    last = now;
  }
}

/**
 * Waits until `child` answers the query (no connection, or a status other than 200, means not yet), then insists
 * the answer is exactly the expected one. Returns the answer's text.
 */
async function verifiedAnswer(url: string, child: Child, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!child.alive) throw new Error(`${child.name} exited before answering\n${child.tail()}`);
    const answer = await fetch(url, { method: 'POST', headers: HEADERS, body: BODY }).then(
      async (res) => ({ status: res.status, text: await res.text() }),
      (error: unknown) => ({ status: 0, text: String((error as Error).cause ?? error) }),
    );
    if (answer.status === 200) {
      try {
        deepStrictEqual(JSON.parse(answer.text), expected);
      } catch (error) {
        throw new Error(`${child.name} answered wrongly: ${(error as Error).message.slice(0, 2000)}`);
      }
      return answer.text;
    }
    last = `${answer.status} ${answer.text.slice(0, 300)}`;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${child.name} not answering after ${timeoutMs} ms (last: ${last})\n${child.tail()}`);
}

function cannon(url: string, seconds: number, connections: number, length: number) {
  return autocannon({
    url,
    method: 'POST',
    headers: HEADERS,
    body: BODY,
    connections,
    duration: seconds,
    // Every correct answer is the same bytes; comparing lengths keeps the check off the profile
    // of the load generator, and an answer with "errors" is never the same length.
    verifyBody: (body) => body?.length === length,
  });
}

/** Checks the started contender's answer, warms it up, loads it, reads its peak RSS, and stops it. */
export async function runRound(
  child: Child,
  subgraphs: Child,
  url: string,
  admin: string,
  round: number,
  load: LoadSettings,
): Promise<RoundResult> {
  try {
    await verifiedAnswer(url, child);
    const before = await totals(admin);
    const answer = await verifiedAnswer(url, child);
    const after = await totals(admin);
    const readyRssMb = await child.rssMb();
    const probe = {
      fetches: after.fetches - before.fetches,
      representations: after.representations - before.representations,
    };

    if (load.warmupSeconds > 0) await cannon(url, load.warmupSeconds, load.connections, answer.length);
    const start = await settledTotals(admin);
    const cpuBefore = [await child.cpuSeconds(), await subgraphs.cpuSeconds(), process.cpuUsage()] as const;
    const result = await cannon(url, load.seconds, load.connections, answer.length);
    const cpuAfter = [await child.cpuSeconds(), await subgraphs.cpuSeconds(), process.cpuUsage(cpuBefore[2])] as const;
    const end = await settledTotals(admin);
    if (!child.alive) throw new Error(`${child.name} died under load\n${child.tail()}`);
    const requests = result.requests.total;
    const sent = Math.max(result.requests.sent, 1);
    return {
      contender: child.name,
      round,
      requests,
      rps: requests / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      peakRssMb: await child.peakRssMb(),
      readyRssMb,
      probe,
      underLoad: {
        fetches: (end.fetches - start.fetches) / sent,
        representations: (end.representations - start.representations) / sent,
      },
      cpu: {
        contender: (cpuAfter[0] - cpuBefore[0]) / result.duration,
        subgraphs: (cpuAfter[1] - cpuBefore[1]) / result.duration,
        loadGenerator: (cpuAfter[2].user + cpuAfter[2].system) / 1e6 / result.duration,
      },
      errors: { non2xx: result.non2xx, mismatches: result.mismatches, connection: result.errors },
    };
  } finally {
    await child.stop();
  }
}
