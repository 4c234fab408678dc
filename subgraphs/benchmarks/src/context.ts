import type { EntityManager } from '@mikro-orm/postgresql';
import { type SubgraphContext, withLoaders } from '@switchyard/kit';
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
  return (base: SubgraphContext): BenchmarksContext => Object.assign(withLoaders(base, createLoaders), { config });
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * Where clients reach us: PUBLIC_URL, else the address the gateway says it was called at
 * (X-Forwarded-*), else our own Host; anything that does not look like a host is not used.
 */
export function publicBase(ctx: Pick<BenchmarksContext, 'config' | 'headers'>): string {
  if (ctx.config.publicUrl) return ctx.config.publicUrl.replace(/\/$/, '');
  const first = (name: string) =>
    String(ctx.headers[name] ?? '')
      .split(',')[0]!
      .trim();
  const proto = first('x-forwarded-proto') === 'https' ? 'https' : 'http';
  const host = [first('x-forwarded-host'), first('host')].find((h) => HOST.test(h)) ?? 'localhost';
  return `${proto}://${host}`;
}
