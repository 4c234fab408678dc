import { readdir, readFile, readlink } from 'node:fs/promises';

/** One metric from a service's /metrics, summed over its labels; undefined when it has none. */
export type Scrape = (name: string) => Promise<number | undefined>;

/** The gateway's resident memory as it reports it (prom-client's default metric), in bytes. */
export async function gatewayRss(gateway: Scrape): Promise<number> {
  const rss = await gateway('process_resident_memory_bytes');
  if (rss === undefined) throw new Error('the gateway serves no process_resident_memory_bytes on /metrics');
  return rss;
}

/**
 * The lowest RSS seen over `ms`, sampled every half second, and when it was seen (seconds from the
 * start); sampling stops early once it is at or under `enough`. V8 gives memory back only after
 * a collection, and an idle process collects late (its memory reducer), so one reading just after
 * a load says more about timing than about what is held.
 */
export async function lowestRss(gateway: Scrape, ms: number, enough = 0): Promise<{ rss: number; seconds: number }> {
  const start = performance.now();
  let lowest = { rss: await gatewayRss(gateway), seconds: 0 };
  while (lowest.rss > enough && performance.now() - start < ms) {
    await new Promise((r) => setTimeout(r, 500));
    const rss = await gatewayRss(gateway);
    if (rss < lowest.rss) lowest = { rss, seconds: (performance.now() - start) / 1000 };
  }
  return lowest;
}

/** Upstream sockets the gateway says it holds (`gateway_upstream_sockets`, every label), if it says. */
export const upstreamSockets = (gateway: Scrape) => gateway('gateway_upstream_sockets');

/**
 * TCP connections process `pid` has open to local `port`, as Linux lists them (any protocol on
 * top: WebSockets and keep-alive HTTP alike), matched by socket inode; undefined without /proc.
 * A check on the gauge, and a figure where the gateway has none.
 */
export async function tcpConnectionsTo(pid: number, port: number): Promise<number | undefined> {
  try {
    const inodes = new Set<string>();
    const fds = await readdir(`/proc/${pid}/fd`);
    await Promise.all(
      fds.map(async (fd) => {
        const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode) inodes.add(inode);
      }),
    );
    const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
    let count = 0;
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      const rows = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
      for (const row of rows) {
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
        const cols = row.trim().split(/\s+/);
        if (cols[2]?.endsWith(`:${hexPort}`) && cols[3] === '01' && inodes.has(cols[9]!)) count++;
      }
    }
    return count;
  } catch {
    return undefined;
  }
}
