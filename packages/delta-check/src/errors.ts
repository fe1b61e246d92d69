/**
 * The error family of delta-check: every failure carries a stable `code`
 * (tests and scripts match on it), whether retrying could help, and its cause.
 * Messages say what failed, where, and what to do next.
 */
import { PlatformError, type PlatformErrorOptions } from '@mdp/schemas';

export type DeltaCheckErrorCode =
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'MINIO_UNAVAILABLE'
  | 'LAKE_BUCKET_NOT_FOUND'
  | 'LAKE_ACCESS_DENIED'
  | 'LAKE_READ_FAILED'
  | 'LAKE_TABLE_NOT_FOUND'
  | 'DELTA_LOG_CORRUPT'
  | 'DELTA_LOG_INCOMPLETE'
  | 'DELTA_UNSUPPORTED_PROTOCOL'
  | 'DELTA_UNSUPPORTED_FEATURE'
  | 'DELTA_DELETION_VECTORS'
  | 'DELTA_COLUMN_MAPPING'
  | 'DELTA_UNSUPPORTED_TYPE'
  | 'PARQUET_READ_FAILED'
  | 'POSTGRES_UNAVAILABLE'
  | 'POSTGRES_QUERY_FAILED'
  | 'PG_TABLE_NOT_FOUND'
  | 'PG_NO_PRIMARY_KEY'
  | 'BRONZE_COLUMNS_MISSING';

export interface DeltaCheckErrorOptions extends PlatformErrorOptions {
  /** Where it happened: table, object key, file… */
  context?: Record<string, unknown>;
}

export class DeltaCheckError extends PlatformError<DeltaCheckErrorCode> {
  readonly context: Record<string, unknown>;

  constructor(code: DeltaCheckErrorCode, message: string, options: DeltaCheckErrorOptions = {}) {
    super(code, message, options);
    this.context = options.context ?? {};
  }
}

/** The object store (MinIO) or PostgreSQL cannot be reached. */
export class ServiceUnavailableError extends DeltaCheckError {
  readonly service: 'minio' | 'postgres';
  constructor(
    service: 'minio' | 'postgres',
    message: string,
    options: DeltaCheckErrorOptions = {},
  ) {
    super(service === 'minio' ? 'MINIO_UNAVAILABLE' : 'POSTGRES_UNAVAILABLE', message, {
      retriable: true,
      ...options,
    });
    this.service = service;
  }
}

/** A Delta table that this reader cannot read exactly: refused rather than misread. */
export class DeltaUnsupportedError extends DeltaCheckError {}

/** A Delta log or data file that is missing or malformed. */
export class DeltaLogError extends DeltaCheckError {}

export function isDeltaCheckError(err: unknown): err is DeltaCheckError {
  return err instanceof DeltaCheckError;
}
