import { connectionType } from '@switchyard/kit';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { BenchmarksContext } from '../context.js';
import { Device } from '../device/device.entity.js';
import { HardwareSnapshot } from '../device/snapshot.entity.js';
import { Benchmark, Scores } from './benchmark.entity.js';
import { BenchmarkReport, SubmitResult } from './benchmark.inputs.js';
import { listBenchmarks, submitBenchmark } from './benchmark.service.js';

const BenchmarkConnection = connectionType(Benchmark);

@Resolver(() => Benchmark)
export class BenchmarkResolver {
  @Authorized('scope:benchmarks:write')
  @Mutation(() => SubmitResult, { description: 'For the bench client: an API token with scope benchmarks:write.' })
  submitBenchmark(@Arg('report', () => BenchmarkReport) report: BenchmarkReport, @Ctx() ctx: BenchmarksContext) {
    return submitBenchmark(ctx, report);
  }

  @Authorized()
  @Query(() => BenchmarkConnection, {
    description: "A device's benchmarks, newest first, optionally within [from, to).",
  })
  benchmarks(
    @Arg('deviceId', () => ID) deviceId: string,
    @Ctx() ctx: BenchmarksContext,
    @Arg('from', () => Date, { nullable: true }) from?: Date,
    @Arg('to', () => Date, { nullable: true }) to?: Date,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return listBenchmarks(ctx, { deviceId, from, to, first, after });
  }

  @FieldResolver(() => Scores)
  scores(@Root() b: Benchmark): Scores {
    return { cpu: b.cpu, mem: b.mem, disk: b.disk, net: b.net, gpu: b.gpu };
  }

  @FieldResolver(() => Device)
  device(@Root() b: Benchmark, @Ctx() ctx: BenchmarksContext) {
    return ctx.loaders.device.load(b.deviceId);
  }

  @FieldResolver(() => HardwareSnapshot)
  snapshot(@Root() b: Benchmark, @Ctx() ctx: BenchmarksContext) {
    return ctx.loaders.snapshot.load(b.snapshotId);
  }
}
