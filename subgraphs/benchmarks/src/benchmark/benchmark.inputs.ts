import { z } from '@switchyard/kit';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { Device } from '../device/device.entity.js';
import { Benchmark, ComponentEnum } from './benchmark.entity.js';
import type { Component } from './score.js';

@InputType()
class CpuInput {
  @Field() model!: string;
  @Field(() => Int) cores!: number;
  @Field(() => Int) threads!: number;
  @Field(() => Float, { nullable: true }) mhz?: number;
}

@InputType()
class DiskInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) type?: string;
  @Field(() => Float) sizeBytes!: number;
}

@InputType()
class GpuInput {
  @Field() model!: string;
  @Field(() => Float, { nullable: true }) vramBytes?: number;
}

@InputType()
class NetworkInterfaceInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) mac?: string;
  @Field(() => Float, { nullable: true }) speedMbps?: number;
}

@InputType()
class OsInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) version?: string;
  @Field() kernel!: string;
}

@InputType()
class HardwareInput {
  @Field(() => CpuInput) cpu!: CpuInput;
  @Field(() => Float) memoryBytes!: number;
  @Field(() => [DiskInput]) disks!: DiskInput[];
  @Field(() => [GpuInput]) gpus!: GpuInput[];
  @Field(() => [NetworkInterfaceInput]) network!: NetworkInterfaceInput[];
  @Field(() => OsInput) os!: OsInput;
}

@InputType({ description: 'Normalised 0–100; leave out (or null) what was not run.' })
class ScoresInput {
  @Field(() => Float, { nullable: true }) cpu?: number;
  @Field(() => Float, { nullable: true }) mem?: number;
  @Field(() => Float, { nullable: true }) disk?: number;
  @Field(() => Float, { nullable: true }) net?: number;
  @Field(() => Float, { nullable: true }) gpu?: number;
}

@InputType({ description: 'What the bench client posts: the machine, its hardware and its results.' })
export class BenchmarkReport {
  @Field(() => String, {
    nullable: true,
    description: 'e.g. /etc/machine-id; preferred over hostname to find the device.',
  })
  machineId?: string;

  @Field() hostname!: string;
  @Field(() => String, { nullable: true }) vendor?: string;
  @Field(() => String, { nullable: true }) model?: string;
  @Field(() => HardwareInput) hardware!: HardwareInput;
  @Field(() => ScoresInput) scores!: ScoresInput;
  @Field(() => Date, { nullable: true, description: 'When the benchmark ran; defaults to now.' }) ranAt?: Date;
  @Field(() => GraphQLJSONObject, { nullable: true }) raw?: Record<string, unknown>;
}

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => v || null);
const bytes = z.number().finite().min(0, 'must not be negative');
const score = z.number().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100').nullish();

export const Report = z.object({
  machineId: optionalText(200),
  hostname: text(253),
  vendor: optionalText(200),
  model: optionalText(200),
  hardware: z.object({
    cpu: z.object({
      model: text(200),
      cores: z.number().int().min(1, 'must be at least 1'),
      threads: z.number().int().min(1, 'must be at least 1'),
      mhz: z
        .number()
        .positive()
        .nullish()
        .transform((v) => v ?? null),
    }),
    memoryBytes: bytes,
    disks: z.array(z.object({ name: text(200), type: optionalText(50), sizeBytes: bytes })).max(64),
    gpus: z.array(z.object({ model: text(200), vramBytes: bytes.nullish().transform((v) => v ?? null) })).max(16),
    network: z
      .array(
        z.object({
          name: text(100),
          mac: optionalText(50),
          speedMbps: z
            .number()
            .min(0)
            .nullish()
            .transform((v) => v ?? null),
        }),
      )
      .max(64),
    os: z.object({ name: text(200), version: optionalText(200), kernel: text(200) }),
  }),
  scores: z.object({ cpu: score, mem: score, disk: score, net: score, gpu: score }),
  ranAt: z
    .date()
    .refine((d) => d.getTime() <= Date.now() + 10 * 60_000, 'must not be in the future')
    .nullish(),
  raw: z.record(z.string(), z.unknown()).nullish(),
});
export type Report = z.infer<typeof Report>;

@ObjectType()
export class SubmitResult {
  @Field(() => Device) device!: Device;
  @Field(() => Benchmark) benchmark!: Benchmark;
  @Field(() => Float) globalScore!: number;
  @Field(() => [ComponentEnum], { description: 'Components not run; their weight was shared out over the others.' })
  missing!: Component[];
  @Field({ description: 'True when the hardware differed from the latest snapshot.' }) newSnapshot!: boolean;
}
