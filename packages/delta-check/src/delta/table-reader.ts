import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { ObjectStore } from '../adapters/object-store.js';
import { DeltaCheckError, DeltaLogError } from '../errors.js';
import { readSnapshot, type AddFile, type Snapshot } from './log.js';
import { partitionValue, readDataFile, type DeltaRow } from './parquet-file.js';

export interface DeltaReaderOptions {
  store: ObjectStore;
  logger?: Logger;
  /** Data files fetched and decoded at once (default 4). */
  concurrency?: number;
}

export interface ReadOptions {
  /** Only these columns (default: every column of the schema). Unknown names are ignored. */
  columns?: string[];
}

export interface DeltaReader {
  snapshot(table: string): Promise<Snapshot>;
  /** The rows of a snapshot, one batch per data file. */
  rows(snapshot: Snapshot, options?: ReadOptions): AsyncGenerator<DeltaRow[]>;
  /** Every row of the table's current snapshot. */
  readAll(table: string, options?: ReadOptions): Promise<{ snapshot: Snapshot; rows: DeltaRow[] }>;
}

export function createDeltaReader(options: DeltaReaderOptions): DeltaReader {
  const { store } = options;
  const log = options.logger ?? pino({ level: 'silent' });
  const concurrency = Math.max(1, options.concurrency ?? 4);

  async function readFile(
    snapshot: Snapshot,
    add: AddFile,
    wanted: ReadOptions['columns'],
  ): Promise<DeltaRow[]> {
    const key = resolveKey(store, snapshot.table, add.path);
    const where = `${store.location}/${key}`;
    const bytes = await store.get(key);
    if (!bytes) {
      throw new DeltaLogError(
        'DELTA_LOG_INCOMPLETE',
        `${where}: data file named by the log at v${snapshot.version} is missing (vacuumed or still being written?)`,
        { retriable: true, context: { table: snapshot.table, file: key } },
      );
    }
    const partitioned = new Set(snapshot.partitionColumns);
    const selected = wanted
      ? snapshot.schema.filter((f) => wanted.includes(f.name))
      : snapshot.schema;
    const dataFields = selected.filter((f) => !partitioned.has(f.name));
    const rows = await readDataFile(bytes, dataFields, where);
    const partFields = selected.filter((f) => partitioned.has(f.name));
    if (partFields.length > 0) {
      const values = partFields.map(
        (f) => [f.name, partitionValue(add.partitionValues[f.name], f.type, where)] as const,
      );
      for (const row of rows) for (const [name, value] of values) row[name] = value;
    }
    return rows;
  }

  async function* rows(snapshot: Snapshot, read: ReadOptions = {}): AsyncGenerator<DeltaRow[]> {
    const files = snapshot.files;
    const pending = new Map<number, Promise<DeltaRow[]>>();
    let next = 0;
    const launch = (): void => {
      while (pending.size < concurrency && next < files.length) {
        const i = next++;
        const promise = readFile(snapshot, files[i]!, read.columns);
        promise.catch(() => undefined); // surfaced when awaited, in order
        pending.set(i, promise);
      }
    };
    for (let i = 0; i < files.length; i++) {
      launch();
      const batch = await pending.get(i)!;
      pending.delete(i);
      yield batch;
    }
  }

  return {
    async snapshot(table) {
      const snapshot = await readSnapshot(store, table);
      log.debug(
        {
          table,
          version: snapshot.version,
          files: snapshot.files.length,
          checkpoint: snapshot.checkpointVersion,
        },
        'read Delta log',
      );
      return snapshot;
    },
    rows,
    async readAll(table, read) {
      const snapshot = await this.snapshot(table);
      const all: DeltaRow[] = [];
      for await (const batch of rows(snapshot, read)) for (const row of batch) all.push(row);
      return { snapshot, rows: all };
    },
  };
}

/** The store key of a data file named in the log (relative, URL-encoded path, or an absolute URI). */
function resolveKey(store: ObjectStore, table: string, filePath: string): string {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(filePath)) return `${table}/${decodeURIComponent(filePath)}`;
  const url = new URL(filePath);
  if (url.protocol === 's3:' || url.protocol === 's3a:' || url.protocol === 's3n:') {
    if (`s3://${url.host}` !== store.location) {
      throw new DeltaCheckError(
        'LAKE_READ_FAILED',
        `${store.location}/${table}: data file ${filePath} lives in another bucket than ${store.location}`,
      );
    }
    return decodeURIComponent(url.pathname.slice(1));
  }
  if (url.protocol === 'file:' && store.location.startsWith('file:')) {
    return path
      .relative(fileURLToPath(store.location), fileURLToPath(url))
      .split(path.sep)
      .join('/');
  }
  throw new DeltaCheckError(
    'LAKE_READ_FAILED',
    `${store.location}/${table}: cannot read data file ${filePath}`,
  );
}
