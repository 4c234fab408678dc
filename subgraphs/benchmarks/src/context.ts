import type { EntityManager } from '@mikro-orm/postgresql';
import type { SubgraphContext } from '@switchyard/kit';
import { createBenchmarkLoaders } from './benchmark/benchmark.loader.js';
import type { Weights } from './benchmark/score.js';
import { createDeviceLoaders } from './device/device.loader.js';

export interface BenchmarksConfig {
  weights: Weights;
  maxUploadBytes: number;
  uploadTtlSec: number;
  publicUrl?: string;
}

export interface BenchmarksContext extends SubgraphContext {
  config: BenchmarksConfig;
  loaders: ReturnType<typeof createLoaders>;
}

function createLoaders(em: EntityManager) {
  return { ...createDeviceLoaders(em), ...createBenchmarkLoaders(em) };
}

export function benchmarksContext(config: BenchmarksConfig) {
  return (base: SubgraphContext): BenchmarksContext => ({ ...base, config, loaders: createLoaders(base.em) });
}

/** Where clients reach us: PUBLIC_URL, else the address the gateway was called at. */
export function publicBase(ctx: Pick<BenchmarksContext, 'config' | 'headers'>): string {
  if (ctx.config.publicUrl) return ctx.config.publicUrl.replace(/\/$/, '');
  const proto = String(ctx.headers['x-forwarded-proto'] ?? 'http')
    .split(',')[0]!
    .trim();
  const host = String(ctx.headers['x-forwarded-host'] ?? ctx.headers.host)
    .split(',')[0]!
    .trim();
  return `${proto}://${host}`;
}
