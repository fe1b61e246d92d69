/**
 * What `pnpm soak` samples every minute: each service's memory (its process tree's
 * RSS) and, per Delta table, the files its current version reads (Python deltalake,
 * read-only key) and the data files MinIO stores for it (superseded ones included,
 * until a VACUUM removes them).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runProgram } from '../adapters/commands.js';
import { childOptions, type Context } from '../parts/context.js';
import { serviceMemory } from '../parts/stack-parts.js';

interface TableFiles {
  /** Files the table's current version reads. */
  readonly active: number;
  /** Parquet objects stored under the table's path. */
  readonly stored: number;
}

export interface Sample {
  /** Seconds since the soak started. */
  readonly at: number;
  readonly memoryBytes: Readonly<Record<string, number>>;
  readonly files: Readonly<Record<string, TableFiles>>;
}

/** `bronze/<table>_changes` and `silver/<table>` of each business table. */
export function lakePaths(tables: readonly string[]): string[] {
  return tables.flatMap((t) => [`bronze/${t}_changes`, `silver/${t}`]);
}

function storedParquet(dir: string): number {
  // MinIO keeps each object as a folder named by its key's last part
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.parquet')).length : 0;
}

export async function takeSample(
  ctx: Context,
  where: {
    readonly startedMs: number;
    readonly stateDir: string;
    readonly paths: readonly string[];
  },
): Promise<Sample> {
  const { startedMs, stateDir, paths } = where;
  const memoryBytes: Record<string, number> = {};
  for (const row of await serviceMemory(ctx)) memoryBytes[row.service] = row.treeRssBytes;
  const bucket = ctx.env['S3_BUCKET'] ?? 'lakehouse';
  const text = await runProgram(
    join(ctx.repoRoot, 'spark', 'bin', 'python.sh'),
    [
      join(ctx.repoRoot, 'bench', 'scripts', 'lake-files.py'),
      ...paths.map((p) => `s3://${bucket}/${p}`),
    ],
    childOptions(ctx, 'lake-files', 300_000),
  );
  const active = JSON.parse(text) as Record<string, { files: number } | null>;
  const lakeDir = join(stateDir, 'minio', 'data', bucket);
  const files: Record<string, TableFiles> = {};
  for (const path of paths) {
    files[path] = {
      active: active[`s3://${bucket}/${path}`]?.files ?? 0,
      stored: storedParquet(join(lakeDir, path)),
    };
  }
  return { at: Math.round((Date.now() - startedMs) / 1000), memoryBytes, files };
}
