import type { EntityManager } from '@mikro-orm/postgresql';
import { byIdLoader, statement } from '@switchyard/kit';
import DataLoader from 'dataloader';
import { Benchmark } from './benchmark.entity.js';

const newestOfDevices = statement<{ deviceIds: string[]; first: number }>(
  `/* recentBenchmarks */ select b.* from unnest(:deviceIds::uuid[]) as d(id) cross join lateral (
     select * from benchmarks where device_id = d.id order by ran_at desc, id desc limit :first
   ) b`,
);

export function createBenchmarkLoaders(em: EntityManager) {
  const recent = new Map<number, DataLoader<string, Benchmark[]>>();
  return {
    benchmark: byIdLoader(em, Benchmark),
    /** Device.benchmarks(first): the newest `first` of every device in one lateral join. */
    recentBenchmarks(first: number) {
      let loader = recent.get(first);
      if (!loader) {
        loader = new DataLoader(async (deviceIds) => {
          const rows = await newestOfDevices(em, { deviceIds: [...deviceIds], first });
          const groups = new Map<string, Benchmark[]>(deviceIds.map((id) => [id, []]));
          for (const row of rows) {
            const benchmark = em.map(Benchmark, row);
            groups.get(benchmark.deviceId)?.push(benchmark);
          }
          return deviceIds.map((id) => groups.get(id)!);
        });
        recent.set(first, loader);
      }
      return loader;
    },
  };
}
