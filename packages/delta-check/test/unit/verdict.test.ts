import { describe, expect, it } from 'vitest';
import type { TableReport } from '../../src/compare/compare-table.js';
import { verdictSummary } from '../../src/compare/report.js';

function table(lakePath: string, changes: Partial<TableReport> = {}): TableReport {
  return {
    table: lakePath.split('/')[1]!,
    lakePath,
    lakeVersion: 3,
    equal: true,
    postgresRows: 10,
    lakeRows: 10,
    missing: 0,
    extra: 0,
    different: 0,
    duplicateKeys: 0,
    primaryKey: ['id'],
    comparedColumns: ['id', 'name'],
    columnsMissingInLake: [],
    staleColumns: [],
    columnsOnlyInLake: [],
    firstDifferences: [],
    seconds: 0.1,
    ...changes,
  };
}

describe('the verdict in one line (kept for pipeline:status and the console)', () => {
  it('says equal with what it compared', () => {
    const report = {
      equal: true,
      checkedAt: '2026-12-04T06:00:00Z',
      location: 's3://lake',
      tables: [table('silver/orders'), table('silver/customers')],
      errors: [],
    };
    expect(verdictSummary(report)).toBe('equal (2 lake tables, 20 PostgreSQL rows)');
  });

  it('names each differing table with only the problems it has, and each table not checked', () => {
    const report = {
      equal: false,
      checkedAt: '2026-12-04T06:00:00Z',
      location: 's3://lake',
      tables: [
        table('silver/orders', { equal: false, extra: 2, staleColumns: ['qty'] }),
        table('silver/customers'),
      ],
      errors: [
        {
          table: 'products',
          lakePath: 'silver/products',
          code: 'LAKE_TABLE_NOT_FOUND' as const,
          message: 'no Delta table',
        },
      ],
    };
    expect(verdictSummary(report)).toBe(
      'DIFFERENT: silver/orders 2 extra, stale columns: qty; silver/products not checked [LAKE_TABLE_NOT_FOUND] (2 lake tables, 20 PostgreSQL rows)',
    );
  });
});
