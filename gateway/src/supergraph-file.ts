import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { SupergraphManager } from '@apollo/gateway';
import type { Logger } from '@switchyard/kit';
import { Counter, type Registry } from 'prom-client';

/**
 * Serves a supergraph SDL file and reloads it when it changes. The gateway swaps schemas
 * between requests, so in-flight requests finish on the schema they started with; a broken
 * file is logged and the previous schema kept.
 */
export function supergraphFile(path: string, logger: Logger, registry: Registry): SupergraphManager {
  const file = resolve(path);
  const rejected = new Counter({
    name: 'gateway_supergraph_rejected_total',
    help: 'Changes to the supergraph file that were refused (the previous schema kept serving).',
    registers: [registry],
  });
  return {
    async initialize({ update }) {
      let current = await readFile(file, 'utf8');
      let timer: NodeJS.Timeout | undefined;
      const reload = async () => {
        const next = await readFile(file, 'utf8').catch(() => undefined);
        if (!next || next === current) return;
        try {
          update(next);
          current = next;
          logger.info({ file }, 'supergraph reloaded');
        } catch (error) {
          rejected.inc();
          logger.error({ err: error, file }, 'supergraph file rejected; keeping the previous schema');
        }
      };
      // Watch the directory: editors and `npm run compose` replace the file rather than write in place.
      const watcher = watch(dirname(file), (_event, name) => {
        if (name !== basename(file)) return;
        clearTimeout(timer);
        timer = setTimeout(() => void reload(), 100);
      });
      return {
        supergraphSdl: current,
        cleanup: async () => {
          clearTimeout(timer);
          watcher.close();
        },
      };
    },
  };
}
