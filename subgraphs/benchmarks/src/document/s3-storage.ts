import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Logger } from '@switchyard/kit';
import { ABANDONED_AFTER_MS, type BlobStore, type PendingBlob } from './storage.js';

export interface S3Settings {
  bucket: string;
  /** Keys start with this (`documents/`), so a bucket can hold more than documents. */
  prefix: string;
  /** An S3-compatible server's URL (MinIO, Ceph, R2...); unset: AWS's for `region`. */
  endpoint?: string;
  region: string;
  /** `http://host/bucket/key` rather than `http://bucket.host/key`, as most S3-compatible servers want. */
  forcePathStyle: boolean;
  /** Unset: the SDK's default chain (AWS_* variables, a web identity, the instance's role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** lib-storage's defaults, spelt out: they are what an upload holds in memory. */
const PART_BYTES = 5 * 2 ** 20;
const PARTS_IN_FLIGHT = 4;

const notFound = (error: unknown) =>
  error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === 'NoSuchKey');

/**
 * Objects `<prefix><first two hex digits>/<sha256>` in one bucket, which every replica shares.
 * New bytes stream to `<prefix>incoming/<uuid>` (multipart past one part) and are copied under
 * their key on commit, inside the store. Nothing goes to a local disk, but each upload holds its
 * parts in memory while they are sent: up to PARTS_IN_FLIGHT × PART_BYTES (20 MiB) per upload.
 */
export class S3Store implements BlobStore {
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(
    settings: S3Settings,
    private readonly logger?: Pick<Logger, 'warn'>,
  ) {
    this.bucket = settings.bucket;
    this.prefix = settings.prefix;
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.credentials,
      // Checksums only where S3 requires them: many S3-compatible servers refuse the SDK's
      // default trailing checksums (aws-chunked bodies); the bytes' SHA-256 is checked by us.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private path(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error('blob keys are SHA-256 hex digests');
    return `${this.prefix}${key.slice(0, 2)}/${key}`;
  }

  /** Fails, naming the bucket, when it is unreachable or these credentials may not use it. */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      throw new Error(`document bucket ${this.bucket} is not usable: ${(error as Error).name || String(error)}`, {
        cause: error,
      });
    }
  }

  /**
   * Deletes uploads a crash (or a failed delete after a commit) left in `incoming/`, older than
   * ABANDONED_AFTER_MS.
   * Unfinished multipart uploads are the bucket's to expire (a lifecycle rule; docs/operations.md).
   */
  async sweep(): Promise<void> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${this.prefix}incoming/`, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key && object.LastModified && Date.now() - object.LastModified.getTime() > ABANDONED_AFTER_MS)
          await this.delete(object.Key);
      }
      token = page.NextContinuationToken;
    } while (token);
  }

  private async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (notFound(error)) return false;
      throw error;
    }
  }

  async begin(): Promise<PendingBlob> {
    const temp = `${this.prefix}incoming/${randomUUID()}`;
    const body = new PassThrough();
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: temp, Body: body },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
    });
    // The upload's outcome, never rejected: a failure surfaces in write/commit like the disk's.
    let failure: Error | undefined;
    const done = upload.done().then(
      () => undefined,
      (error: Error) => {
        failure = error;
      },
    );
    const check = () => {
      if (failure) throw failure;
    };
    return {
      write: async (chunk) => {
        check();
        if (!body.write(chunk)) await Promise.race([once(body, 'drain'), done]);
        check();
      },
      commit: async (key) => {
        body.end();
        await done;
        check();
        const target = this.path(key);
        // Content-addressed: a key stored already holds these very bytes.
        if (!(await this.exists(target)))
          await this.client.send(
            new CopyObjectCommand({
              Bucket: this.bucket,
              Key: target,
              CopySource: `${this.bucket}/${encodeURIComponent(temp).replace(/%2F/g, '/')}`,
            }),
          );
        // The bytes are stored under their key: a copy left behind is the sweep's, not a failure.
        await this.delete(temp).catch((error: unknown) =>
          this.logger?.warn(
            { err: error, key: temp },
            'could not delete the temporary object of a committed upload (left to the sweep)',
          ),
        );
      },
      abort: async () => {
        await upload.abort().catch(() => undefined);
        body.destroy();
        await done;
        // A small upload may have finished before the abort reached it.
        await this.delete(temp).catch(() => undefined);
      },
    };
  }

  async read(key: string) {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.path(key) }));
      if (!(object.Body instanceof Readable)) throw new Error('expected a Node stream from the S3 client');
      return { stream: object.Body, size: object.ContentLength ?? 0 };
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  }
}
