import type { CpuSpent } from '../cpu.js';
import type { Published } from './publisher.js';

export interface Figures {
  subscribers: number;
  connections: number;
  callers: number;
  bus: string;
  /** Subscriptions live at users when the bench stopped waiting, and how long that took. */
  live: number;
  subscribeSeconds: number;
  rate: number;
  published: Published;
  lost: number;
  duplicates: number;
  misrouted: number;
  withErrors: number;
  ended: number;
  socketsClosed: number;
  firstError?: string;
  latency: { p50: number; p99: number; max: number };
  /** CPU seconds each process used from the first publish until drained (`seconds` of wall time). */
  cpu: CpuSpent;
  /** Gateway RSS in bytes; `after` the lowest while settling, `settledSeconds` until both gauges read 0. */
  /** `after`: the lowest while settling, and when it was seen (s after the gauges read 0). */
  rss: { baseline: number; subscribed: number; afterEvents: number; after: { rss: number; seconds: number } };
  /** How long the RSS was watched after all left, at most (s). */
  settleLimit: number;
  settledSeconds?: number;
  /** `gateway_upstream_sockets` (undefined: no such gauge) and Linux's count of TCP connections to users. */
  sockets: { subscribed?: number; after?: number; tcpSubscribed?: number; tcpAfter?: number };
  /** `npm start`'s lines for services that exited during the run (it restarts them). */
  exits: string[];
}

const n = (x: number) => x.toLocaleString('en');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const ms = (x: number) => `${x.toFixed(1)} ms`;
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
const or = (x: number | undefined) => (x === undefined ? 'n/a' : n(x));

/** Prints every figure, then each target as met or NOT met: a short fall is a result, not a failure. */
export function report(f: Figures): void {
  const { published: p, rss, sockets } = f;
  const expected = p.published;
  const all = f.live === f.subscribers;
  console.log(
    `bench:subscriptions — ${n(f.subscribers)} subscribers over ${n(f.connections)} connections, ${n(f.callers)} distinct callers; events on ${f.bus}`,
  );
  console.log(
    all
      ? `subscribed all in ${f.subscribeSeconds.toFixed(2)} s`
      : `NOT all subscribed: ${n(f.live)} live at users after ${f.subscribeSeconds.toFixed(0)} s`,
  );
  console.log(
    `published ${n(p.published)} events in ${p.seconds.toFixed(2)} s (${n(Math.round(p.published / p.seconds))}/s achieved, ${n(f.rate)}/s asked), ${n(p.failed)} failed to publish${p.firstError ? `: ${p.firstError}` : ''}`,
  );
  console.log(
    `delivered ${n(expected - f.lost)}/${n(expected)}; lost ${n(f.lost)}, duplicates ${n(f.duplicates)}, to the wrong subscriber ${n(f.misrouted)}; results with errors ${n(f.withErrors)}; subscriptions ended early ${n(f.ended)}, sockets closed early ${n(f.socketsClosed)}`,
  );
  if (f.firstError) console.log(`  first error: ${f.firstError.slice(0, 300)}`);
  const none = expected === f.lost;
  console.log(
    none
      ? 'publish → delivery: n/a (nothing arrived)'
      : `publish → delivery: p50 ${ms(f.latency.p50)}, p99 ${ms(f.latency.p99)}, max ${ms(f.latency.max)}`,
  );
  const cpu = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(1)} s`);
  console.log(
    `CPU from the first publish until drained (${f.cpu.seconds.toFixed(1)} s): gateway ${cpu(f.cpu.services.gateway)}, users ${cpu(f.cpu.services.users)}, PostgreSQL ${cpu(f.cpu.postgres)}, this bench ${cpu(f.cpu.bench)}`,
  );
  const perSubscriber = (rss.subscribed - rss.baseline) / 1024 / f.subscribers;
  const ratio = rss.after.rss / rss.baseline;
  console.log(
    `gateway RSS: baseline ${mb(rss.baseline)}; all subscribed ${mb(rss.subscribed)} (${perSubscriber.toFixed(1)} KB per subscriber); after the events ${mb(rss.afterEvents)}; after all left ${mb(rss.after.rss)} (${ratio.toFixed(2)}× baseline, ${rss.after.seconds.toFixed(0)} s after ${f.settledSeconds === undefined ? 'a minute had passed: the subscription gauges never read 0' : `the subscription gauges read 0 (${f.settledSeconds.toFixed(1)} s after leaving)`}; watched until under 1.10× or ${f.settleLimit} s)`,
  );
  console.log(
    `upstream sockets at the gateway (gateway_upstream_sockets): ${or(sockets.subscribed)} all subscribed, ${or(sockets.after)} after all left; ${n(f.callers)} distinct callers`,
  );
  console.log(
    `  TCP connections from the gateway to users (Linux's count, WebSocket and HTTP): ${or(sockets.tcpSubscribed)} all subscribed, ${or(sockets.tcpAfter)} after all left`,
  );
  const held = sockets.subscribed ?? sockets.tcpSubscribed;
  const source = sockets.subscribed === undefined ? "Linux's TCP count; the gateway has no gauge" : 'gauge';
  console.log(`services that exited during the run: ${f.exits.length ? '' : 'none'}`);
  for (const line of f.exits) console.log(`  ${line}`);
  console.log('\ntargets');
  console.log(`  p99 ≤ 100 ms: ${none ? 'n/a' : ms(f.latency.p99)}, ${met(!none && f.latency.p99 <= 100)}`);
  console.log(`  0 lost: ${n(f.lost)} lost, ${met(f.lost === 0 && all)}${all ? '' : ' (not all subscribed)'}`);
  console.log(`  RSS after all left / baseline ≤ 1.10: ${ratio.toFixed(2)}, ${met(ratio <= 1.1)}`);
  console.log(
    `  upstream sockets ≤ callers: ${or(held)} (${source}) for ${n(f.callers)} callers, ${held === undefined ? 'n/a' : met(held <= f.callers)}`,
  );
}
