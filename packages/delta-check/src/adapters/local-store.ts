import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ObjectInfo, ObjectStore } from './object-store.js';
import { DeltaCheckError } from '../errors.js';

/** An {@link ObjectStore} over a local directory (tests, tables written with file paths). */
export function createLocalStore(root: string): ObjectStore {
  const base = path.resolve(root);

  async function* walk(dir: string, rel: string): AsyncGenerator<ObjectInfo> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isNotFound(err)) return;
      throw new DeltaCheckError('LAKE_READ_FAILED', `cannot list ${dir}: ${String(err)}`, {
        cause: err,
      });
    }
    const names = entries
      .map((e) => ({ name: e.name, dir: e.isDirectory() }))
      .sort((a, b) => cmp(a.name, b.name));
    for (const entry of names) {
      const key = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.dir) yield* walk(path.join(dir, entry.name), key);
      else yield { key, size: 0 };
    }
  }

  return {
    location: pathToFileURL(base).href,
    async *list(prefix, startAfter) {
      // Walk from the deepest directory the prefix names, then filter.
      const slash = prefix.lastIndexOf('/');
      const dirRel = slash >= 0 ? prefix.slice(0, slash) : '';
      const keys: ObjectInfo[] = [];
      for await (const info of walk(path.join(base, dirRel), dirRel)) {
        if (info.key.startsWith(prefix) && (startAfter === undefined || info.key > startAfter))
          keys.push(info);
      }
      keys.sort((a, b) => cmp(a.key, b.key));
      yield* keys;
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(path.join(base, key)));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw new DeltaCheckError(
          'LAKE_READ_FAILED',
          `cannot read ${path.join(base, key)}: ${String(err)}`,
          {
            cause: err,
          },
        );
      }
    },
  };
}

/** Byte-wise order, as S3 lists keys. */
function cmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
