/** `--plot`: a run's charts on one page, with the figures they draw as its notes. */
import type { PlotPage } from '@mdp/console';
import type { Report } from './table.js';

const load = (xs: readonly number[]) => xs.map((x) => x.toFixed(2)).join(' ');

export function benchPlot(report: Report): PlotPage {
  const figures = report.parts.flatMap((p) => p.figures).filter((f) => f.charts?.length);
  return {
    title: `pnpm bench, ${report.date}${report.quick ? ' (--quick)' : ''}`,
    notes: [
      `${report.nproc} cores; load average at the start ${load(report.loadAverageStart)}, at the end ${load(report.loadAverageEnd)}`,
      ...figures.map((f) => `${f.name}: ${f.value}`),
    ],
    charts: figures.flatMap((f) => f.charts ?? []),
  };
}
