import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { createLocalStore } from '../../src/adapters/local-store.js';
import { createDeltaReader } from '../../src/delta/table-reader.js';
import type { DeltaRow, DeltaValue } from '../../src/delta/parquet-file.js';
import type { OracleTable } from '../pydelta.js';

const oracle = JSON.parse(readFileSync(inject('oracleFile'), 'utf8')) as Record<
  string,
  OracleTable
>;
const reader = createDeltaReader({ store: createLocalStore(inject('fixtureRoot')) });

/** The reader's values in the oracle's canonical strings (see write_tables.py). */
function canonical(value: DeltaValue): string | null {
  if (value === null) return null;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function asOracle(rows: DeltaRow[], table: OracleTable): Record<string, string | null>[] {
  return rows
    .map((row) => Object.fromEntries(table.columns.map((c) => [c, canonical(row[c] ?? null)])))
    .sort((a, b) => Number(a.id) - Number(b.id));
}

// Python prints 1.0 where JS prints 1: float columns are compared as numbers.
function withoutFloats(rows: Record<string, string | null>[]): Record<string, string | null>[] {
  return rows.map(({ ratio, ...rest }) => ({
    ...rest,
    ratio: ratio === null || ratio === undefined ? null : String(Number(ratio)),
  }));
}

describe('Delta reader on tables written by Python deltalake', () => {
  for (const name of [
    'plain',
    'checkpointed',
    'multipart',
    'overwritten',
    'evolved',
    'partitioned',
    'ntz',
  ]) {
    it(`reads ${name} exactly as deltalake does`, async () => {
      const expected = oracle[name]!;
      const { snapshot, rows } = await reader.readAll(name);
      expect(snapshot.version).toBe(expected.version);
      const actual = asOracle(rows, expected);
      const hasRatio = expected.columns.includes('ratio');
      expect(hasRatio ? withoutFloats(actual) : actual).toEqual(
        hasRatio ? withoutFloats(expected.rows) : expected.rows,
      );
    });
  }

  it('keeps decimals, microsecond timestamps and big integers exact', async () => {
    const { rows } = await reader.readAll('plain');
    const row = rows.find((r) => r.id === 1n)!;
    expect(row.amount).toBe('12345678901234567891.0123456800');
    expect(row.price).toBe('10.01');
    expect(row.at).toBe('1970-02-07T00:00:01.234566Z');
    const first = rows.find((r) => r.id === 0n)!;
    expect(first.at).toBe('1969-12-31T23:59:59.999999Z');
    expect(first.qty).toBe(-2147483648);
  });

  it('starts from the checkpoint and replays only the commits after it', async () => {
    const snapshot = await reader.snapshot('checkpointed');
    expect(snapshot.checkpointVersion).toBe(11);
    expect(snapshot.commitsRead).toBe(3);
    const multi = await reader.snapshot('multipart');
    expect(multi.checkpointVersion).toBe(11);
    expect(multi.files).toHaveLength(snapshot.files.length);
  });

  it('drops removed files (overwrite, delete, update)', async () => {
    const { rows } = await reader.readAll('overwritten');
    const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    expect(ids).toEqual([50, 51, 53, 54, 55, 56, 57, 60, 62, 63]);
    expect(rows.find((r) => r.id === 53n)!.name).toBe('renamed');
  });

  it('reads a column added by a schema change as null in older files', async () => {
    const { snapshot, rows } = await reader.readAll('evolved');
    expect(snapshot.schema.map((f) => f.name)).toEqual(['id', 'a', 'b']);
    expect(rows.find((r) => r.id === 0n)!.b).toBeNull();
    expect(rows.find((r) => r.id === 6n)!.b).toBe('6.0625');
  });

  it('takes partition values from the log, typed, null included', async () => {
    const { snapshot, rows } = await reader.readAll('partitioned');
    expect(snapshot.partitionColumns).toEqual(['country', 'day', 'bucket']);
    expect(rows.find((r) => r.id === 1n)).toMatchObject({
      country: 'United States',
      day: '2026-11-02',
      bucket: 1,
    });
    expect(rows.find((r) => r.id === 2n)!.country).toBe('a/b=c%d');
    expect(rows.find((r) => r.id === 3n)!.country).toBeNull();
    expect(rows.find((r) => r.id === 8n)!.day).toBeNull();
  });

  it('reads only the columns asked for', async () => {
    const snapshot = await reader.snapshot('plain');
    const batches = [];
    for await (const batch of reader.rows(snapshot, { columns: ['id', 'price'] }))
      batches.push(...batch);
    expect(Object.keys(batches[0]!)).toEqual(['id', 'price']);
    expect(batches).toHaveLength(70);
  });
});

describe('Delta reader refuses what it cannot read exactly', () => {
  it.each([
    ['deletion_vectors', 'DELTA_DELETION_VECTORS'],
    ['column_mapping', 'DELTA_COLUMN_MAPPING'],
    ['no_such_table', 'LAKE_TABLE_NOT_FOUND'],
  ])('%s → %s', async (table, code) => {
    await expect(reader.snapshot(table)).rejects.toMatchObject({ code });
  });
});
