/**
 * `sim:gen`'s writer: one CSV file per table of a domain, with exactly the
 * domain's columns, from the rows its dataset makes (streamed, constant memory).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { retail } from '../domains/retail/domain.js';
import type { AnyDomain } from '../sim/domain.js';

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF. */
function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function writeCsv(
  path: string,
  columns: readonly string[],
  count: number,
  row: (id: number) => Record<string, string | number | boolean | null>,
  onProgress?: (rows: number) => void,
): Promise<void> {
  const out = createWriteStream(path);
  const finished = once(out, 'finish');
  let chunk = columns.join(',') + '\n';
  for (let id = 1; id <= count; id++) {
    const values = row(id);
    chunk += columns.map((c) => csvField(values[c] ?? null)).join(',') + '\n';
    if (chunk.length >= 64 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
      onProgress?.(id);
    }
  }
  out.end(chunk);
  await finished;
  onProgress?.(count);
}

export interface GenerateOptions {
  /** The domain whose starting data is written (its `dataset`; default retail). */
  domain?: AnyDomain;
  out: string;
  seed: number;
  scale: number;
  /** A faker locale of every customer (places.ts LOCALES); default: a mix of countries. */
  locale?: string;
  onProgress?: (file: string, rows: number, total: number) => void;
}

export interface GeneratedFile {
  file: string;
  rows: number;
}

/** Writes one file per table of the domain into `out` (created if needed). */
export async function generateDataset(options: GenerateOptions): Promise<GeneratedFile[]> {
  const { domain = retail, out, onProgress } = options;
  if (!domain.dataset) throw new Error(`domain ${domain.name} has no dataset to generate`);
  const counts = domain.dataset.counts(options.scale);
  const row = domain.dataset.rows({ seed: options.seed, counts, locale: options.locale });
  await mkdir(out, { recursive: true });
  const specs = domain.tables.map((table) => ({
    file: `${table.name}.csv`,
    columns: table.columns,
    count: counts[table.name] ?? 0,
    row: (id: number) => row(table.name, id) as Record<string, string | number | boolean | null>,
  }));
  for (const spec of specs) {
    await writeCsv(join(out, spec.file), spec.columns, spec.count, spec.row, (rows) =>
      onProgress?.(spec.file, rows, spec.count),
    );
  }
  return specs.map((s) => ({ file: join(out, s.file), rows: s.count }));
}
