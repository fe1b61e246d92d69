import { type ObjectStore, readSnapshot } from '@mdp/delta-check';

/** One Delta table of the lake, as its log says (no data file is read). */
export interface LakeTable {
  readonly path: string;
  readonly version: number;
  /** Rows by the files' statistics (numRecords); undefined when a file has none. */
  readonly rows?: number;
  readonly files: number;
  /** The newest commit's time (its commitInfo), when the commit says. */
  readonly committedAt?: string;
}

export const QUARANTINE = 'quarantine/cdc_errors';

/** `path`'s snapshot, or undefined when there is no Delta table there (not written yet). */
export async function probeLakeTable(
  store: ObjectStore,
  path: string,
): Promise<LakeTable | undefined> {
  let snapshot;
  try {
    snapshot = await readSnapshot(store, path);
  } catch (err) {
    if ((err as { code?: string }).code === 'LAKE_TABLE_NOT_FOUND') return undefined;
    throw err;
  }
  let rows: number | undefined = 0;
  for (const file of snapshot.files) {
    const count = file.stats
      ? (JSON.parse(file.stats) as { numRecords?: number }).numRecords
      : undefined;
    rows = count === undefined || rows === undefined ? undefined : rows + count;
  }
  const committedAt = await commitTime(store, path, snapshot.version);
  return {
    path,
    version: snapshot.version,
    ...(rows !== undefined && { rows }),
    files: snapshot.files.length,
    ...(committedAt && { committedAt }),
  };
}

async function commitTime(
  store: ObjectStore,
  path: string,
  version: number,
): Promise<string | undefined> {
  const bytes = await store.get(`${path}/_delta_log/${String(version).padStart(20, '0')}.json`);
  if (!bytes) return undefined; // only a checkpoint is left of it
  for (const line of new TextDecoder().decode(bytes).split('\n')) {
    if (!line.includes('"commitInfo"')) continue;
    const at = (JSON.parse(line) as { commitInfo?: { timestamp?: number } }).commitInfo?.timestamp;
    if (typeof at === 'number') return new Date(at).toISOString();
  }
  return undefined;
}
