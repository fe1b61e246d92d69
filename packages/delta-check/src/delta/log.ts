import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { ObjectStore } from '../adapters/object-store.js';
import { DeltaCheckError, DeltaLogError, DeltaUnsupportedError } from '../errors.js';
import { parseSchemaString, type DeltaField } from './schema.js';
import { asyncBuffer } from './parquet-file.js';

/**
 * The Delta transaction log: finds the newest complete checkpoint (single or
 * multi-part Parquet), replays the JSON commits after it, and reconciles add
 * and remove actions into the current snapshot. Refuses, with a code, what it
 * cannot read exactly (deletion vectors, column mapping, v2 checkpoints,
 * unknown reader features).
 */

export interface Protocol {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

export interface Metadata {
  id: string;
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
}

export interface AddFile {
  /** As written in the log: a relative (URL-encoded) path or an absolute URI. */
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  deletionVector?: unknown;
  stats?: string | null;
}

export interface Snapshot {
  /** The table's path in the store, e.g. `silver/customers`. */
  table: string;
  version: number;
  protocol: Protocol;
  metadata: Metadata;
  schema: DeltaField[];
  partitionColumns: string[];
  files: AddFile[];
  /** How the snapshot was built, for progress logs and reports. */
  checkpointVersion?: number;
  commitsRead: number;
}

/** Reader features this reader handles exactly (see {@link checkReadable} for the conditions). */
const READER_FEATURES = new Set([
  'timestampNtz',
  'vacuumProtocolCheck',
  'typeWidening',
  'typeWidening-preview',
  'deletionVectors',
  'columnMapping',
]);

interface LogListing {
  commits: Map<number, string>;
  checkpoints: Map<string, { version: number; parts: Map<number, string>; total: number }>;
}

const COMMIT = /^(\d{20})\.json$/;
const SINGLE_CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI_CHECKPOINT = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;

export async function readSnapshot(store: ObjectStore, table: string): Promise<Snapshot> {
  const root = table.replace(/\/+$/, '');
  const logPrefix = `${root}/_delta_log/`;
  const hint = await readLastCheckpoint(store, logPrefix);

  let listing = await listLog(
    store,
    logPrefix,
    hint === undefined ? undefined : `${logPrefix}${pad20(hint)}`,
  );
  let checkpoint = newestCheckpoint(listing);
  if (hint !== undefined && checkpoint === undefined) {
    // The hinted checkpoint is gone (or incomplete): list the whole log.
    listing = await listLog(store, logPrefix);
    checkpoint = newestCheckpoint(listing);
  }
  if (listing.commits.size === 0 && checkpoint === undefined) {
    throw new DeltaCheckError(
      'LAKE_TABLE_NOT_FOUND',
      `no Delta table at ${store.location}/${root} (no _delta_log)`,
      {
        context: { table: root, location: store.location },
      },
    );
  }

  const latest = Math.max(checkpoint?.version ?? -1, ...listing.commits.keys());
  const start = (checkpoint?.version ?? -1) + 1;
  for (let v = start; v <= latest; v++) {
    if (!listing.commits.has(v)) {
      throw new DeltaLogError(
        'DELTA_LOG_INCOMPLETE',
        `${store.location}/${root}: commit ${v} is missing from _delta_log (have up to ${latest}${
          checkpoint ? `, checkpoint at ${checkpoint.version}` : ', no checkpoint'
        })`,
        { context: { table: root, version: v } },
      );
    }
  }

  const state: { protocol?: Protocol; metadata?: Metadata; files: Map<string, AddFile> } = {
    files: new Map(),
  };
  if (checkpoint) {
    for (const key of checkpoint.keys) await applyCheckpointPart(store, key, state);
  }
  for (let v = start; v <= latest; v++) {
    await applyCommit(store, listing.commits.get(v)!, state);
  }

  const where = `${store.location}/${root}@v${latest}`;
  if (!state.protocol || !state.metadata) {
    throw new DeltaLogError(
      'DELTA_LOG_CORRUPT',
      `${where}: the log has no ${state.protocol ? 'metaData' : 'protocol'} action`,
      {
        context: { table: root },
      },
    );
  }
  const files = [...state.files.values()];
  checkReadable(where, state.protocol, state.metadata, files);
  return {
    table: root,
    version: latest,
    protocol: state.protocol,
    metadata: state.metadata,
    schema: parseSchemaString(state.metadata.schemaString, where),
    partitionColumns: state.metadata.partitionColumns,
    files,
    checkpointVersion: checkpoint?.version,
    commitsRead: latest - start + 1,
  };
}

function checkReadable(
  where: string,
  protocol: Protocol,
  metadata: Metadata,
  files: AddFile[],
): void {
  if (protocol.minReaderVersion > 3) {
    throw new DeltaUnsupportedError(
      'DELTA_UNSUPPORTED_PROTOCOL',
      `${where}: reader version ${protocol.minReaderVersion} is newer than this reader supports (3)`,
      { context: { protocol } },
    );
  }
  const mode = metadata.configuration['delta.columnMapping.mode'];
  if (mode !== undefined && mode !== 'none') {
    throw new DeltaUnsupportedError(
      'DELTA_COLUMN_MAPPING',
      `${where}: the table uses column mapping (mode "${mode}"), which delta-check does not read; write it without delta.columnMapping.mode`,
      { context: { mode } },
    );
  }
  if (protocol.minReaderVersion === 3) {
    const unknown = (protocol.readerFeatures ?? []).filter((f) => !READER_FEATURES.has(f));
    if (unknown.length > 0) {
      throw new DeltaUnsupportedError(
        'DELTA_UNSUPPORTED_FEATURE',
        `${where}: the table needs reader feature(s) ${unknown.join(', ')} that delta-check does not support`,
        { context: { features: unknown } },
      );
    }
  }
  const withDv = files.filter((f) => f.deletionVector !== undefined && f.deletionVector !== null);
  if (withDv.length > 0) {
    throw new DeltaUnsupportedError(
      'DELTA_DELETION_VECTORS',
      `${where}: ${withDv.length} data file(s) carry deletion vectors (e.g. ${withDv[0]!.path}), which delta-check does not apply; ` +
        `write the table with delta.enableDeletionVectors=false (or purge them: REORG TABLE … APPLY (PURGE))`,
      { context: { files: withDv.length } },
    );
  }
}

async function readLastCheckpoint(
  store: ObjectStore,
  logPrefix: string,
): Promise<number | undefined> {
  const bytes = await store.get(`${logPrefix}_last_checkpoint`);
  if (!bytes) return undefined;
  try {
    const version = (JSON.parse(new TextDecoder().decode(bytes)) as { version?: unknown }).version;
    return typeof version === 'number' && Number.isInteger(version) && version >= 0
      ? version
      : undefined;
  } catch {
    return undefined; // a torn hint is only a hint: list the log instead
  }
}

async function listLog(
  store: ObjectStore,
  logPrefix: string,
  startAfter?: string,
): Promise<LogListing> {
  const listing: LogListing = { commits: new Map(), checkpoints: new Map() };
  for await (const { key } of store.list(logPrefix, startAfter)) {
    const name = key.slice(logPrefix.length);
    let m = COMMIT.exec(name);
    if (m) {
      listing.commits.set(Number(m[1]), key);
      continue;
    }
    m = SINGLE_CHECKPOINT.exec(name) ?? MULTI_CHECKPOINT.exec(name);
    if (m) {
      const version = Number(m[1]);
      const part = m[2] === undefined ? 1 : Number(m[2]);
      const total = m[3] === undefined ? 1 : Number(m[3]);
      const id = `${version}/${total}`;
      const cp = listing.checkpoints.get(id) ?? {
        version,
        total,
        parts: new Map<number, string>(),
      };
      cp.parts.set(part, key);
      listing.checkpoints.set(id, cp);
    }
  }
  return listing;
}

function newestCheckpoint(listing: LogListing): { version: number; keys: string[] } | undefined {
  let best: { version: number; keys: string[] } | undefined;
  for (const cp of listing.checkpoints.values()) {
    if (cp.parts.size !== cp.total) continue; // an incomplete multi-part checkpoint is ignored
    if (best && best.version >= cp.version) continue;
    const keys = [...cp.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, key]) => key);
    best = { version: cp.version, keys };
  }
  return best;
}

type State = { protocol?: Protocol; metadata?: Metadata; files: Map<string, AddFile> };

async function applyCheckpointPart(store: ObjectStore, key: string, state: State): Promise<void> {
  const bytes = await store.get(key);
  if (!bytes) {
    throw new DeltaLogError(
      'DELTA_LOG_INCOMPLETE',
      `${store.location}/${key}: checkpoint part vanished while reading`,
      {
        retriable: true,
        context: { key },
      },
    );
  }
  let rows: Record<string, unknown>[];
  try {
    const file = asyncBuffer(bytes);
    const metadata = await parquetMetadataAsync(file);
    const present = new Set(metadata.schema.map((e) => e.name));
    const columns = ['protocol', 'metaData', 'add', 'sidecar'].filter((c) => present.has(c));
    rows = await parquetReadObjects({ file, metadata, columns, compressors });
    if (rows.some((row) => row.sidecar)) {
      throw new DeltaUnsupportedError(
        'DELTA_UNSUPPORTED_FEATURE',
        `${store.location}/${key} is a v2 checkpoint with sidecar files, which delta-check does not read`,
        { context: { key } },
      );
    }
  } catch (err) {
    if (err instanceof DeltaCheckError) throw err;
    throw new DeltaLogError(
      'DELTA_LOG_CORRUPT',
      `${store.location}/${key}: cannot read checkpoint: ${String(err)}`,
      {
        cause: err,
        context: { key },
      },
    );
  }
  for (const row of rows) applyAction(row, state, `${store.location}/${key}`);
}

async function applyCommit(store: ObjectStore, key: string, state: State): Promise<void> {
  const bytes = await store.get(key);
  if (!bytes) {
    throw new DeltaLogError(
      'DELTA_LOG_INCOMPLETE',
      `${store.location}/${key}: commit vanished while reading`,
      {
        retriable: true,
        context: { key },
      },
    );
  }
  const lines = new TextDecoder().decode(bytes).split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let action: unknown;
    try {
      action = JSON.parse(line);
    } catch (err) {
      throw new DeltaLogError(
        'DELTA_LOG_CORRUPT',
        `${store.location}/${key}:${i + 1}: not a JSON action`,
        {
          cause: err,
          context: { key, line: i + 1 },
        },
      );
    }
    applyAction(action as Record<string, unknown>, state, `${store.location}/${key}:${i + 1}`);
  });
}

function applyAction(action: Record<string, unknown>, state: State, where: string): void {
  const add = action.add as Record<string, unknown> | null | undefined;
  if (add) {
    const file = toAddFile(add, where);
    state.files.set(fileKey(file.path, file.deletionVector), file);
  }
  const remove = action.remove as Record<string, unknown> | null | undefined;
  if (remove && typeof remove.path === 'string') {
    state.files.delete(fileKey(remove.path, remove.deletionVector));
  }
  const protocol = action.protocol as Protocol | null | undefined;
  if (protocol) {
    state.protocol = {
      minReaderVersion: Number(protocol.minReaderVersion),
      minWriterVersion: Number(protocol.minWriterVersion),
      readerFeatures: protocol.readerFeatures ?? undefined,
      writerFeatures: protocol.writerFeatures ?? undefined,
    };
  }
  const metaData = action.metaData as Record<string, unknown> | null | undefined;
  if (metaData) {
    if (typeof metaData.schemaString !== 'string') {
      throw new DeltaLogError('DELTA_LOG_CORRUPT', `${where}: metaData without schemaString`);
    }
    state.metadata = {
      id: String(metaData.id),
      schemaString: metaData.schemaString,
      partitionColumns: toStringArray(metaData.partitionColumns),
      configuration: toStringMap(metaData.configuration) as Record<string, string>,
    };
  }
}

function toAddFile(add: Record<string, unknown>, where: string): AddFile {
  if (typeof add.path !== 'string')
    throw new DeltaLogError('DELTA_LOG_CORRUPT', `${where}: add action without path`);
  return {
    path: add.path,
    partitionValues: toStringMap(add.partitionValues),
    size: Number(add.size ?? 0),
    deletionVector: add.deletionVector ?? undefined,
    stats: typeof add.stats === 'string' ? add.stats : null,
  };
}

/** Files are identified by path plus deletion vector (Delta protocol, "Action Reconciliation"). */
function fileKey(path: string, dv: unknown): string {
  if (!dv || typeof dv !== 'object') return path;
  const { storageType, pathOrInlineDv, offset } = dv as Record<
    string,
    string | number | null | undefined
  >;
  return `${path}\u0000${storageType ?? ''}${pathOrInlineDv ?? ''}${offset == null ? '' : `@${offset}`}`;
}

/** JSON commits hold maps as objects; hyparquet may assemble a checkpoint's map as an object or as key/value pairs. */
function toStringMap(value: unknown): Record<string, string | null> {
  if (!value) return {};
  const out: Record<string, string | null> = {};
  if (Array.isArray(value)) {
    for (const entry of value as { key?: string | number; value?: string | number | null }[]) {
      if (entry && entry.key !== undefined)
        out[String(entry.key)] = entry.value == null ? null : String(entry.value);
    }
    return out;
  }
  if (value instanceof Map) {
    for (const [k, v] of value as Map<string, string | null>) out[k] = v ?? null;
    return out;
  }
  for (const [k, v] of Object.entries(value as Record<string, string | number | null>))
    out[k] = v == null ? null : String(v);
  return out;
}

function toStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function pad20(version: number): string {
  return String(version).padStart(20, '0');
}
