import type { Health, PipelineStatus } from './judge.js';
import { ago, count } from './units.js';

const HEALTH: Record<Health, string> = { ok: 'OK', lagging: 'LAGGING', stopped: 'STOPPED' };

/** The status as a person reads it: a line per stage (and what to do), then a row per table. */
export function formatStatus(status: PipelineStatus): string {
  const lines = [`pipeline at ${status.at}: ${status.ok ? 'every stage OK' : 'NOT OK'}`];
  for (const stage of status.stages) {
    lines.push(`  ${stage.name.padEnd(9)}${HEALTH[stage.health].padEnd(9)}${stage.summary}`);
    if (stage.action) lines.push(`  ${''.padEnd(18)}→ ${stage.action}`);
  }
  const header = ['table', 'postgres', 'kafka', 'spark behind', 'bronze', 'silver', 'files'];
  const rows = status.tables.map((t) => [
    t.table,
    figure(t.postgresRows),
    figure(t.kafkaRecords),
    figure(t.sparkBehind),
    figure(t.bronze?.rows),
    figure(t.silver?.rows),
    figure(t.silver?.files),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const render = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  lines.push('', render(header), ...rows.map(render));
  lines.push('', ...verdictLines(status));
  return lines.join('\n');
}

function figure(n: number | undefined): string {
  return n === undefined ? '-' : count(n);
}

function verdictLines(status: PipelineStatus): string[] {
  if (status.verdicts.length === 0)
    return ['  no verdict yet: pnpm validate and pnpm delta:check give one'];
  const now = Date.parse(status.at);
  return status.verdicts.map(
    (v) =>
      `  ${v.checker.padEnd(12)}${(v.ok ? 'OK' : 'FAILED').padEnd(8)}${ago(now - Date.parse(v.finishedAt)).padEnd(12)}${v.summary}`,
  );
}
