import { connectionType } from '@switchyard/kit';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  InputType,
  Int,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { Benchmark, ComponentEnum } from '../benchmark/benchmark.entity.js';
import { leaderboard } from '../benchmark/benchmark.service.js';
import type { Component } from '../benchmark/score.js';
import type { BenchmarksContext } from '../context.js';
import { Document } from '../document/document.entity.js';
import { DeviceLink } from '../link/link.entity.js';
import { Device } from './device.entity.js';
import { DeviceOrder, listDevices } from './device.service.js';
import { HardwareSnapshot } from './snapshot.entity.js';

const DeviceConnection = connectionType(Device);

@InputType()
class DeviceFilter {
  @Field(() => String, { nullable: true, description: 'Part of the hostname, vendor or model.' })
  text?: string;

  @Field(() => String, { nullable: true })
  vendor?: string;

  @Field(() => Float, { nullable: true, description: 'Best global score at least this.' })
  minScore?: number;
}

@ObjectType()
class LeaderboardEntry {
  @Field(() => Int) rank!: number;
  @Field(() => Float) score!: number;
  @Field(() => Device) device!: Device;
  @Field(() => Benchmark, { description: "The device's best benchmark in this component." }) benchmark!: Benchmark;
}

@Resolver(() => Device)
export class DeviceResolver {
  @Authorized()
  @Query(() => DeviceConnection)
  devices(
    @Ctx() ctx: BenchmarksContext,
    @Arg('filter', () => DeviceFilter, { nullable: true }) filter?: DeviceFilter,
    @Arg('orderBy', () => DeviceOrder, { nullable: true }) orderBy?: DeviceOrder,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return listDevices(ctx, filter, { orderBy, first, after });
  }

  @Authorized()
  @Query(() => Device, { nullable: true })
  device(@Arg('id', () => ID) id: string, @Ctx() ctx: BenchmarksContext) {
    return ctx.loaders.device.load(id);
  }

  @Authorized()
  @Query(() => [LeaderboardEntry], {
    description: 'Devices by their best score in a component; the global score without one.',
  })
  async leaderboard(
    @Ctx() ctx: BenchmarksContext,
    @Arg('component', () => ComponentEnum, { nullable: true }) component?: Component,
    @Arg('first', () => Int, { defaultValue: 10 }) first?: number,
  ) {
    const entries = await leaderboard(ctx, component, first);
    return Promise.all(
      entries.map(async (e) => ({
        ...e,
        device: await ctx.loaders.device.load(e.deviceId),
        benchmark: await ctx.loaders.benchmark.load(e.benchmarkId),
      })),
    );
  }

  @FieldResolver(() => [HardwareSnapshot], { description: 'Newest first.' })
  snapshots(@Root() device: Device, @Ctx() ctx: BenchmarksContext) {
    return ctx.loaders.snapshotsOfDevice.load(device.id);
  }

  @FieldResolver(() => [Benchmark], { description: 'The newest ones; page through benchmarks(deviceId) for more.' })
  benchmarks(
    @Root() device: Device,
    @Ctx() ctx: BenchmarksContext,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
  ) {
    return ctx.loaders.recentBenchmarks(Math.min(Math.max(first, 1), 100)).load(device.id);
  }

  @FieldResolver(() => Benchmark, { nullable: true })
  latestBenchmark(@Root() device: Device, @Ctx() ctx: BenchmarksContext) {
    return device.latestBenchmarkId ? ctx.loaders.benchmark.load(device.latestBenchmarkId) : null;
  }

  @FieldResolver(() => [DeviceLink])
  links(@Root() device: Device, @Ctx() ctx: BenchmarksContext) {
    return ctx.loaders.linksOfDevice.load(device.id);
  }

  @FieldResolver(() => [Document])
  documents(@Root() device: Device, @Ctx() ctx: BenchmarksContext) {
    return ctx.loaders.documentsOfDevice.load(device.id);
  }
}
