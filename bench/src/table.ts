/** The report of one run: its figures as a markdown table (for the README) and as JSON. */
import type { PlotChart } from '@mdp/console';
import type { Part } from './args.js';

export interface Figure {
  readonly name: string;
  /** As printed, with its unit. */
  readonly value: string;
  /** The baseline measured in the same run, with its unit, when there is one. */
  readonly baseline?: string;
  readonly note?: string;
  /** The numbers behind the figure, for the JSON report. */
  readonly data?: Readonly<Record<string, unknown>>;
  /** The figure drawn, for `--plot` (the samples behind it, over the run). */
  readonly charts?: readonly PlotChart[];
}

export interface PartResult {
  readonly part: Part;
  readonly ok: boolean;
  readonly seconds: number;
  readonly figures: readonly Figure[];
  readonly error?: { readonly code: string; readonly message: string };
}

export interface Report {
  readonly date: string;
  readonly nproc: number;
  readonly loadAverageStart: readonly number[];
  readonly loadAverageEnd: readonly number[];
  readonly quick: boolean;
  readonly parts: readonly PartResult[];
}

/** A markdown table cell: pipes escaped, line breaks folded. */
export function cell(text: string): string {
  return text
    .replaceAll('\\', '\\\\')
    .replaceAll('|', '\\|')
    .replace(/\s*\n\s*/g, ' ');
}

export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const all = [header, ...rows].map((row) => header.map((_, i) => cell(row[i] ?? '')));
  const widths = header.map((_, i) => Math.max(3, ...all.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(all[0]!),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...all.slice(1).map(line),
  ].join('\n');
}

/** A load average (1, 5, 15 min) as printed with every figure: "0.42 0.31 0.20". */
export const formatLoad = (xs: readonly number[]) => xs.map((x) => x.toFixed(2)).join(' ');

/** The value `previous` gave the figure of the same part and name ('' when none). */
function previousValue(previous: Report | undefined, part: Part, name: string): string {
  const figure = previous?.parts.find((p) => p.part === part)?.figures.find((f) => f.name === name);
  return figure?.value ?? '';
}

/** The run as a markdown table; with `previous`, each figure beside that run's value of it. */
export function renderReport(report: Report, previous?: Report): string {
  const rows: string[][] = [];
  for (const part of report.parts) {
    if (!part.ok) {
      rows.push([
        part.part,
        'FAILED',
        '',
        '',
        `${part.error?.code ?? 'BENCH_FAILED'}: ${part.error?.message ?? 'unknown'}`,
      ]);
    }
    for (const f of part.figures)
      rows.push([
        part.part,
        f.name,
        f.value,
        f.baseline ?? '',
        f.note ?? '',
        previousValue(previous, part.part, f.name),
      ]);
  }
  const header = ['part', 'figure', 'value', 'baseline (same run)', 'how / note'];
  if (previous)
    header.push(
      `previous run (${previous.date}, load at start ${formatLoad(previous.loadAverageStart)})`,
    );
  return [
    `pnpm bench${report.quick ? ' --quick (short runs: rough figures)' : ''}, ${report.date}; ` +
      `nproc ${report.nproc}; load average (1, 5, 15 min) at start ${formatLoad(report.loadAverageStart)}, at end ${formatLoad(report.loadAverageEnd)}`,
    '',
    markdownTable(header, rows),
    '',
  ].join('\n');
}

/** Formatting helpers shared by the parts. */
export const fmt = {
  int: (x: number) => Math.round(x).toLocaleString('en-US'),
  ms: (x: number) => (Number.isFinite(x) ? `${Math.round(x).toLocaleString('en-US')} ms` : 'n/a'),
  s: (x: number, digits = 1) => (Number.isFinite(x) ? `${x.toFixed(digits)} s` : 'n/a'),
  mb: (bytes: number) => `${Math.round(bytes / 1048576).toLocaleString('en-US')} MB`,
};
