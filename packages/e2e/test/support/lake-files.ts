/**
 * The native stack's lake as MinIO keeps it on disk: one folder per object under
 * `$MDP_STATE/minio/data/<bucket>/`, named by the object's key. Watching those
 * names is how a test times a crash between two of the Spark job's writes (a
 * bronze commit, then the checkpoint's commit of the same batch) without slowing
 * the job down with S3 requests.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const numbered = (dir: string, pattern: RegExp): number[] =>
  existsSync(dir)
    ? readdirSync(dir).flatMap((name) => {
        const match = pattern.exec(name);
        return match ? [Number(match[1])] : [];
      })
    : [];

export function createLakeFiles(
  stateDir: string,
  bucket = process.env['S3_BUCKET'] ?? 'lakehouse',
) {
  const root = join(stateDir, 'minio', 'data', bucket);
  const checkpoint = join(root, '_checkpoints', 'cdc');
  return {
    /** Micro-batch ids the streaming query has planned (`offsets/<id>`). */
    plannedBatches: () => numbered(join(checkpoint, 'offsets'), /^(\d+)$/),
    /** Micro-batch ids whose end the checkpoint has committed (`commits/<id>`). */
    committedBatches: () => numbered(join(checkpoint, 'commits'), /^(\d+)$/),
    /** Delta commit versions of each bronze table (`bronze/<table>/_delta_log/<version>.json`). */
    bronzeVersions(): Map<string, number> {
      const bronze = join(root, 'bronze');
      const out = new Map<string, number>();
      for (const table of existsSync(bronze) ? readdirSync(bronze) : []) {
        const versions = numbered(join(bronze, table, '_delta_log'), /^(\d{20})\.json$/);
        out.set(table, versions.length ? Math.max(...versions) : -1);
      }
      return out;
    },
  };
}
