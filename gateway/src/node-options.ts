import { getHeapStatistics } from 'node:v8';

/**
 * V8 settings the gateway process is started with (npm start, bench:gateway; compose and k8s set
 * theirs beside their memory limits). V8 grows its old generation by up to 4× what survived the
 * last full collection when the heap may reach 2 GB or more (the default on machines of 16 GB and
 * up), and by at most 2× below that. A gateway keeps little alive (plans, requests in flight), so
 * the smaller factor costs a few more collections and saves about a third of peak RSS under load
 * (bench:gateway). The limit is held just under 2 GB, never raised above the machine's default.
 */
export function gatewayNodeOptions(defaultLimitMb = getHeapStatistics().heap_size_limit / 2 ** 20): string {
  return defaultLimitMb >= 2048 ? '--max-old-space-size=2000' : '';
}
