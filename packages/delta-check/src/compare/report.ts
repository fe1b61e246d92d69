import type { DeltaCheckErrorCode } from '../errors.js';
import type { RowDifference, TableReport } from './compare-table.js';

export interface TableFailure {
  table: string;
  lakePath: string;
  code: DeltaCheckErrorCode;
  message: string;
}

export interface CheckReport {
  equal: boolean;
  /** UTC time the check ended. */
  checkedAt: string;
  location: string;
  tables: TableReport[];
  errors: TableFailure[];
}

/** The verdict in one line, as pipeline:status and the console show it. */
export function verdictSummary(report: CheckReport): string {
  const rows = report.tables.reduce((sum, t) => sum + t.postgresRows, 0);
  const checked = `${report.tables.length} lake tables, ${rows} PostgreSQL rows`;
  if (report.equal) return `equal (${checked})`;
  const problems = [
    ...report.tables.filter((t) => !t.equal).map((t) => `${t.lakePath} ${tableProblems(t)}`),
    ...report.errors.map((e) => `${e.lakePath} not checked [${e.code}]`),
  ];
  return `DIFFERENT: ${problems.join('; ')} (${checked})`;
}

function tableProblems(t: TableReport): string {
  const problems = [
    ...(
      [
        [t.missing, 'missing'],
        [t.extra, 'extra'],
        [t.different, 'different'],
        [t.duplicateKeys, 'duplicate keys'],
        [t.bronze?.duplicateRecords ?? 0, 'Kafka records stored twice'],
      ] as const
    )
      .filter(([n]) => n > 0)
      .map(([n, what]) => `${n} ${what}`),
    ...(t.columnsMissingInLake.length
      ? [`columns missing: ${t.columnsMissingInLake.join(', ')}`]
      : []),
    ...(t.staleColumns.length ? [`stale columns: ${t.staleColumns.join(', ')}`] : []),
  ];
  return problems.join(', ');
}

/** The human report: one line per table, then its first differences by key. */
export function formatReport(report: CheckReport): string {
  const lines: string[] = [];
  for (const t of report.tables) {
    const where = `${report.location}/${t.lakePath}@v${t.lakeVersion}`;
    const rate =
      t.seconds > 0 ? `, ${Math.round((t.lakeRows + t.postgresRows) / t.seconds)} rows/s` : '';
    if (t.equal) {
      lines.push(
        `✔ ${t.table}: ${t.postgresRows} rows equal to ${where} (${t.comparedColumns.length} columns${rate})`,
      );
    } else {
      const parts = [
        `PostgreSQL ${t.postgresRows} rows, lake ${t.lakeRows}`,
        `${t.missing} missing in lake`,
        `${t.extra} extra in lake`,
        `${t.different} different`,
      ];
      if (t.duplicateKeys) parts.push(`${t.duplicateKeys} duplicate keys in lake`);
      if (t.bronze?.duplicateRecords)
        parts.push(`${t.bronze.duplicateRecords} Kafka records stored twice in bronze`);
      lines.push(`✘ ${t.table} vs ${where}: ${parts.join(', ')}`);
      if (t.columnsMissingInLake.length > 0)
        lines.push(`    columns missing in lake: ${t.columnsMissingInLake.join(', ')}`);
      if (t.staleColumns.length > 0)
        lines.push(
          `    columns PostgreSQL no longer has (dropped or renamed there): ${t.staleColumns.join(', ')}`,
        );
      for (const d of t.firstDifferences) lines.push(`    ${formatDifference(d)}`);
      const shown = t.firstDifferences.length;
      const total = t.missing + t.extra + t.different + t.duplicateKeys;
      if (total > shown) lines.push(`    … ${total - shown} more (--max-differences, --json FILE)`);
    }
    if (t.bronze) {
      lines.push(
        `    bronze: ${t.bronze.events} change events, ${t.bronze.duplicateRecords} stored twice, ${t.bronze.duplicateChanges} duplicate deliveries (tolerated)`,
      );
    }
    if (t.columnsOnlyInLake.length > 0)
      lines.push(`    not compared: ${t.columnsOnlyInLake.join(', ')}`);
  }
  for (const e of report.errors)
    lines.push(`✘ ${e.table} (${e.lakePath}): [${e.code}] ${e.message}`);
  lines.push(
    report.equal
      ? 'delta-check: lake equals PostgreSQL'
      : 'delta-check: lake DIFFERS from PostgreSQL (or could not be checked)',
  );
  return lines.join('\n');
}

function formatDifference(d: RowDifference): string {
  const key = Object.entries(d.key)
    .map(([k, v]) => `${k}=${v ?? 'NULL'}`)
    .join(', ');
  switch (d.kind) {
    case 'missing':
      return `missing in lake: ${key}`;
    case 'extra':
      return `extra in lake (not in PostgreSQL): ${key}`;
    case 'duplicate':
      return `key more than once in lake: ${key}`;
    case 'different':
      return `different ${key}: ${(d.columns ?? [])
        .map((c) => `${c.column} PostgreSQL=${show(c.postgres)} lake=${show(c.lake)}`)
        .join('; ')}`;
  }
}

function show(v: string | null): string {
  return v === null ? 'NULL' : JSON.stringify(v);
}
