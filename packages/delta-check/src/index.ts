export { createLocalStore } from './adapters/local-store.js';
export { createS3Store, type S3Store, type S3StoreOptions } from './adapters/s3-store.js';
export type { ObjectStore, ObjectInfo } from './adapters/object-store.js';
export {
  createPgSource,
  type PgSource,
  type PgTable,
  type PgColumn,
  type PgOptions,
} from './adapters/postgres.js';
export { createDeltaReader, type DeltaReader, type ReadOptions } from './delta/table-reader.js';
export {
  readSnapshot,
  type Snapshot,
  type AddFile,
  type Protocol,
  type Metadata,
} from './delta/log.js';
export type { DeltaValue, DeltaRow } from './delta/parquet-file.js';
export type { DeltaField, DeltaType } from './delta/schema.js';
export {
  compareTable,
  hashOf,
  type TableReport,
  type RowDifference,
  type ColumnDifference,
  type BronzeStats,
} from './compare/compare-table.js';
export {
  canonicalFromLake,
  canonicalFromPg,
  kindOfPgType,
  type Canonical,
} from './compare/canonical.js';
export { formatReport, type CheckReport, type TableFailure } from './compare/report.js';
export { parseConfig, type Config } from './config.js';
export { main, EXIT, USAGE } from './main.js';
export {
  DeltaCheckError,
  DeltaLogError,
  DeltaUnsupportedError,
  ServiceUnavailableError,
  isDeltaCheckError,
  type DeltaCheckErrorCode,
} from './errors.js';
