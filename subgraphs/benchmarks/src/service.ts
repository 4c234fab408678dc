import { join } from 'node:path';
import { type Logger, type Service, startSubgraph } from '@switchyard/kit';
import { benchmarksContext, type BenchmarksConfig } from './context.js';
import { documentRoutes } from './document/document.routes.js';
import { DiskStore } from './document/storage.js';
import { entities, migrations } from './entities.js';
import type { BenchmarksEnv } from './env.js';
import { exportRoutes } from './export/export.routes.js';
import { buildBenchmarksSchema } from './schema.js';

export function startBenchmarks(env: BenchmarksEnv & { DATABASE_URL: string }, logger?: Logger): Promise<Service> {
  const config: BenchmarksConfig = {
    weights: env.SCORE_WEIGHTS,
    maxUploadBytes: env.MAX_UPLOAD_BYTES,
    uploadTtlSec: env.UPLOAD_TTL_SEC,
    publicUrl: env.PUBLIC_URL,
  };
  const store = new DiskStore(env.STORAGE_DIR ?? join(env.DATA_DIR, 'documents'));
  void store.sweep();
  return startSubgraph(
    {
      name: 'benchmarks',
      entities,
      migrations,
      schema: buildBenchmarksSchema,
      context: benchmarksContext(config),
      routes: (app, deps) => {
        documentRoutes(app, deps, store, config);
        exportRoutes(app, deps);
      },
    },
    env,
    logger,
  );
}
