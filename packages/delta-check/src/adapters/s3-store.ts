import {
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ObjectStore } from './object-store.js';
import { DeltaCheckError, ServiceUnavailableError } from '../errors.js';

export interface S3StoreOptions {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region?: string;
}

export interface S3Store extends ObjectStore {
  close(): void;
}

/** An {@link ObjectStore} over an S3 bucket (MinIO): path-style, explicit endpoint and keys. */
export function createS3Store(options: S3StoreOptions): S3Store {
  const client = new S3Client({
    endpoint: options.endpoint,
    region: options.region ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: options.accessKey, secretAccessKey: options.secretKey },
    maxAttempts: 3,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const { bucket } = options;
  const where = `s3://${bucket} at ${options.endpoint}`;

  function wrap(err: unknown, key: string): Error {
    if (err instanceof S3ServiceException) {
      if (err.name === 'NoSuchBucket') {
        return new DeltaCheckError(
          'LAKE_BUCKET_NOT_FOUND',
          `bucket "${bucket}" does not exist at ${options.endpoint}; the stack creates it on start (pnpm stack:up), or check S3_BUCKET`,
          { cause: err, context: { bucket } },
        );
      }
      if (
        err.name === 'AccessDenied' ||
        err.name === 'InvalidAccessKeyId' ||
        err.name === 'SignatureDoesNotMatch'
      ) {
        return new DeltaCheckError(
          'LAKE_ACCESS_DENIED',
          `${where} refused ${key} (${err.name}): the key is wrong, or its policy does not cover this bucket, ` +
            `or the bucket does not exist (S3 does not tell a limited key which): check S3_BUCKET and ` +
            `S3_READER_ACCESS_KEY / S3_READER_SECRET_KEY, else S3_ACCESS_KEY / S3_SECRET_KEY (pnpm stack:env prints them)`,
          { cause: err, context: { bucket, key } },
        );
      }
      return new DeltaCheckError(
        'LAKE_READ_FAILED',
        `${where}: reading ${key} failed: ${err.name}: ${err.message}`,
        {
          cause: err,
          retriable: (err.$metadata.httpStatusCode ?? 0) >= 500,
          context: { bucket, key },
        },
      );
    }
    return new ServiceUnavailableError(
      'minio',
      `MinIO is not reachable at ${options.endpoint} (${describe(err)}). Is the stack up? See pnpm stack:status and pnpm stack:logs minio`,
      { cause: err, context: { endpoint: options.endpoint } },
    );
  }

  return {
    location: `s3://${bucket}`,
    async *list(prefix, startAfter) {
      let token: string | undefined;
      do {
        let page;
        try {
          page = await client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: prefix,
              ContinuationToken: token,
              StartAfter: token ? undefined : startAfter,
            }),
          );
        } catch (err) {
          throw wrap(err, prefix);
        }
        for (const item of page.Contents ?? []) {
          if (item.Key !== undefined)
            yield { key: item.Key, size: item.Size ?? 0, modified: item.LastModified };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
      } catch (err) {
        if (err instanceof S3ServiceException && err.name === 'NoSuchKey') return undefined;
        throw wrap(err, key);
      }
    },
    close() {
      client.destroy();
    },
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: string }).code;
    return code ? `${code}: ${err.message}` : err.message || err.name;
  }
  return String(err);
}
