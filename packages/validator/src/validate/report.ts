/** The human report and the JSON report of `pnpm validate`. */
import type { ValidateResult } from './run.js';

/** The verdict in one line, as pipeline:status and the console show it. */
export function verdictSummary(r: ValidateResult): string {
  const records = r.tables.reduce((sum, t) => sum + (t.records ?? 0), 0);
  const failing = Object.entries(r.checks)
    .filter(([, c]) => !c.ok)
    .map(([name, c]) => `${name} ${c.count}`);
  const head = r.ok
    ? 'consistent'
    : `INCONSISTENT${r.caughtUp ? '' : ', the stream did not catch up'}${failing.length ? `: ${failing.join(', ')}` : ''}`;
  return `${head} (${records} records of ${r.tables.length} tables, watermark LSN ${r.watermark})`;
}

export function formatReport(r: ValidateResult): string {
  const lines: string[] = [];
  lines.push(
    `${r.ok ? 'CONSISTENT' : 'INCONSISTENT'} at watermark LSN ${r.watermark}${r.caughtUp ? '' : ` — the stream did NOT catch up (connector ${r.connectorState ?? '?'} at LSN ${r.connectorLsn ?? '?'})`}`,
  );
  lines.push('');
  const width = Math.max(10, ...r.tables.map((t) => t.table.length));
  lines.push(
    `${'table'.padEnd(width)}  records  keys  dup  reord  missing  extra  mismatched  pg-rows  after-W`,
  );
  for (const t of r.tables) {
    const n = (v: number | undefined) => String(v ?? '-');
    lines.push(
      `${t.table.padEnd(width)} ${n(t.records).padStart(8)} ${n(t.keys).padStart(5)} ${n(t.duplicates).padStart(4)} ${n(t.reorderings).padStart(6)} ${n(t.missing).padStart(8)} ${n(t.extra).padStart(6)} ${n(t.mismatched).padStart(11)} ${n(t.sourceRows).padStart(8)} ${n(t.afterWatermark).padStart(8)}`,
    );
  }
  lines.push('');
  for (const [name, check] of Object.entries(r.checks)) {
    lines.push(
      `${check.ok ? 'ok  ' : 'FAIL'} ${name}${check.count ? `: ${check.count} problem(s)` : ''}`,
    );
    for (const v of check.examples)
      lines.push(
        `       ${v.kind} ${v.table}${v.key ? ` key=${v.key}` : ''}${v.at ? ` at ${v.at}` : ''}: ${v.detail}`,
      );
  }
  if (r.eventLog)
    lines.push(
      `event log: ${r.eventLog.events} events, ${r.eventLog.missing} without their change`,
    );
  return lines.join('\n');
}
