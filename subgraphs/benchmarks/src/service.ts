import { join } from 'node:path';
import { type Logger, type Service, startSubgraph } from '@switchyard/kit';
import { benchmarksContext, type BenchmarksConfig } from './context.js';
import { documentRoutes } from './document/document.routes.js';
import { S3Store } from './document/s3-storage.js';
import { type BlobStore, DiskStore } from './document/storage.js';
import { entities, migrations } from './entities.js';
import type { BenchmarksEnv } from './env.js';
import { exportRoutes } from './export/export.routes.js';
import { buildBenchmarksSchema } from './schema.js';

/** The bucket when S3_BUCKET is set (checked now, so a wrong setting stops the start), else the folder. */
export async function documentStore(env: BenchmarksEnv, logger?: Pick<Logger, 'warn'>): Promise<BlobStore> {
  if (!env.S3_BUCKET) return new DiskStore(env.STORAGE_DIR ?? join(env.DATA_DIR, 'documents'));
  if (!env.S3_ACCESS_KEY_ID !== !env.S3_SECRET_ACCESS_KEY)
    throw new Error('set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither');
  const store = new S3Store(
    {
      bucket: env.S3_BUCKET,
      prefix: env.S3_PREFIX,
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      forcePathStyle: env.S3_FORCE_PATH_STYLE ?? env.S3_ENDPOINT !== undefined,
      credentials:
        env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
          ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
          : undefined,
    },
    logger,
  );
  await store.check();
  return store;
}

export async function startBenchmarks(
  env: BenchmarksEnv & { DATABASE_URL: string },
  logger?: Logger,
): Promise<Service> {
  const config: BenchmarksConfig = {
    weights: env.SCORE_WEIGHTS,
    maxUploadBytes: env.MAX_UPLOAD_BYTES,
    uploadTtlSec: env.UPLOAD_TTL_SEC,
    publicUrl: env.PUBLIC_URL,
  };
  const store = await documentStore(env, logger);
  store.sweep().catch((error: unknown) => logger?.warn({ err: error }, 'could not sweep unfinished documents'));
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
