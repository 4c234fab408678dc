import {
  BadUserInputError,
  keysetAfter,
  NotFoundError,
  type Page,
  pageSize,
  parseInput,
  type Statement,
  statement,
  toPage,
  z,
} from '@switchyard/kit';
import type { BenchmarksContext } from '../context.js';
import { Device } from '../device/device.entity.js';
import { hardwareHash } from '../device/hardware-hash.js';
import { HardwareSnapshot } from '../device/snapshot.entity.js';
import { Benchmark } from './benchmark.entity.js';
import { type BenchmarkReport, Report, type SubmitResult } from './benchmark.inputs.js';
import { type Component, globalScore } from './score.js';

/**
 * Finds or creates the device (by machine id, else hostname), keeps a new hardware snapshot only
 * when the hardware differs from the latest one, and stores the benchmark with its global score.
 * The device row is locked by the upsert, so concurrent reports of one device queue up.
 */
export async function submitBenchmark(ctx: BenchmarksContext, input: BenchmarkReport): Promise<SubmitResult> {
  const report = parseInput(Report, input);
  const scored = globalScore(report.scores, ctx.config.weights);
  if (!scored) throw new BadUserInputError('scores', 'must hold at least one component score');
  const hash = hardwareHash(report.hardware);
  const now = new Date();
  const ranAt = report.ranAt ?? now;

  const { deviceId, benchmark, newSnapshot } = await ctx.em.transactional(async (em) => {
    const target = report.machineId ? '(machine_id)' : '(hostname) where machine_id is null';
    const [device] = await em.execute<Array<{ id: string }>>(
      `/* upsertDevice */ insert into devices
         (id, machine_id, hostname, vendor, model, first_seen_at, last_seen_at, best_score, latest_score)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict ${target} do update set hostname = excluded.hostname,
         vendor = coalesce(excluded.vendor, devices.vendor), model = coalesce(excluded.model, devices.model),
         last_seen_at = excluded.last_seen_at
       returning id`,
      [
        crypto.randomUUID(),
        report.machineId,
        report.hostname,
        report.vendor,
        report.model,
        now,
        now,
        scored.score,
        scored.score,
      ],
    );
    const deviceId = device!.id;
    const [latest] = await em.execute<Array<{ id: string; hash: string }>>(
      '/* latestSnapshot */ select id, hash from snapshots where device_id = ? order by taken_at desc, id desc limit 1',
      [deviceId],
    );
    let snapshotId = latest?.hash === hash ? latest.id : null;
    if (!snapshotId) {
      const { cpu, memoryBytes, disks, gpus, network, os } = report.hardware;
      const snapshot = em.create(HardwareSnapshot, {
        deviceId,
        hash,
        cpu,
        memoryBytes,
        disks,
        gpus,
        network,
        os,
        takenAt: now,
      });
      await em.flush();
      snapshotId = snapshot.id;
    }
    const benchmark = em.create(Benchmark, {
      deviceId,
      snapshotId,
      ...{ cpu: null, mem: null, disk: null, net: null, gpu: null },
      ...report.scores,
      globalScore: scored.score,
      missing: scored.missing,
      ranAt,
      raw: report.raw ?? null,
    });
    await em.flush();
    // greatest() ignores nulls; the latest is the one that ran last, whatever order reports arrive in.
    await em.execute(
      `/* deviceScores */ update devices set best_score = greatest(best_score, ?),
         latest_score = case when latest_benchmark_id is null
           or (select ran_at from benchmarks where id = latest_benchmark_id) <= ? then ? else latest_score end,
         latest_benchmark_id = case when latest_benchmark_id is null
           or (select ran_at from benchmarks where id = latest_benchmark_id) <= ? then ? else latest_benchmark_id end
       where id = ?`,
      [scored.score, ranAt, scored.score, ranAt, benchmark.id, deviceId],
    );
    return { deviceId, benchmark, newSnapshot: latest?.hash !== hash };
  });
  const device = await ctx.em.findOneOrFail(Device, { id: deviceId }, { refresh: true });
  return { device, benchmark, globalScore: scored.score, missing: scored.missing, newSnapshot };
}

const Range = z
  .object({ from: z.date().optional(), to: z.date().optional() })
  .refine((r) => !r.from || !r.to || r.from < r.to, { message: 'must be before to', path: ['from'] });

/** A device's benchmarks, newest first, optionally within [from, to). */
export async function listBenchmarks(
  ctx: BenchmarksContext,
  args: { deviceId: string; from?: Date; to?: Date; first?: number; after?: string },
): Promise<Page<Benchmark>> {
  const { from, to } = parseInput(Range, args);
  if (!(await ctx.loaders.device.load(args.deviceId))) throw new NotFoundError('device');
  const size = pageSize(args.first);
  const ranAt = { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) };
  const rows = await ctx.em.find(
    Benchmark,
    {
      $and: [
        { deviceId: args.deviceId, ...(from || to ? { ranAt } : {}) },
        keysetAfter<Benchmark>(
          args.after,
          [
            ['ranAt', 'date'],
            ['id', 'string'],
          ],
          'desc',
        ),
      ],
    },
    { orderBy: { ranAt: 'desc', id: 'desc' }, limit: size + 1 },
  );
  return toPage(rows, size, (b) => [b.ranAt.toISOString(), b.id]);
}

type Row = { id: string; device_id: string; score: number };

/** Per component, the best benchmark of each device; the column names are the only text spliced in. */
const leaderboardOf = Object.fromEntries(
  (['cpu', 'mem', 'disk', 'net', 'gpu'] as const).map((column) => [
    column,
    statement<{ limit: number }, Row>(
      `/* leaderboardComponent */ select id, device_id, score from (
         select distinct on (device_id) id, device_id, ${column} as score from benchmarks
         where ${column} is not null order by device_id, ${column} desc, ran_at desc
       ) best order by score desc, device_id limit :limit`,
    ),
  ]),
) as Record<Component, Statement<{ limit: number }, Row>>;
const leaderboardGlobal = statement<{ limit: number }, Row>(
  `/* leaderboardGlobal */ select b.id, d.id as device_id, d.best_score as score from devices d
   join lateral (select id from benchmarks where device_id = d.id and global_score = d.best_score
                 order by ran_at desc limit 1) b on true
   order by d.best_score desc, d.id desc limit :limit`,
);

/**
 * Devices ranked by their best score in one component, or by their best global score (kept on
 * the device and indexed). Per component it is one pass over the benchmarks, fine for
 * thousands of devices; a per-component best on devices is the next step beyond that.
 */
export async function leaderboard(ctx: BenchmarksContext, component: Component | null | undefined, first = 10) {
  const limit = pageSize(first, 10);
  const rows = await (component ? leaderboardOf[component] : leaderboardGlobal)(ctx.em, { limit });
  return rows.map((row, i) => ({ rank: i + 1, score: row.score, deviceId: row.device_id, benchmarkId: row.id }));
}
