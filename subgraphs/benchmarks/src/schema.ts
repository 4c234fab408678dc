import { buildFederatedSchema } from '@switchyard/kit';
import { BenchmarkResolver } from './benchmark/benchmark.resolver.js';
import { references } from './device/device.reference.js';
import { DeviceResolver } from './device/device.resolver.js';
import { DocumentResolver } from './document/document.resolver.js';
import { LinkResolver } from './link/link.resolver.js';

export function buildBenchmarksSchema() {
  return buildFederatedSchema({
    resolvers: [DeviceResolver, BenchmarkResolver, LinkResolver, DocumentResolver],
    references,
  });
}
