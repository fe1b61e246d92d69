/**
 * `--plot`: a run's charts on one page, with the figures they draw as its notes,
 * and what compares best across runs drawn beside the previous run's: the
 * distributions of freshness and CDC lag, and memory per service.
 */
import type { PlotChart, PlotPage } from '@mdp/console';
import { formatLoad, type Report } from './table.js';

/** Per-change charts whose distribution is drawn too, this run against the previous. */
const DISTRIBUTIONS = ['freshness', 'cdc-lag'];
const PERCENTILES = Array.from({ length: 101 }, (_, i) => i);

const chartsOf = (report: Report | undefined) =>
  report?.parts.flatMap((p) => p.figures.flatMap((f) => f.charts ?? [])) ?? [];

function distribution(chart: PlotChart, previous: PlotChart | undefined): PlotChart {
  // nearest rank; percentile 0 is the smallest value
  const curve = (c: PlotChart) => {
    const sorted = c.series[0]!.values.filter((v): v is number => v !== null).sort((a, b) => a - b);
    return PERCENTILES.map((p) =>
      sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]! : null,
    );
  };
  return {
    id: `${chart.id}-distribution`,
    title: `${chart.title}: distribution`,
    unit: chart.unit,
    time: false,
    xLabel: 'percentile',
    x: PERCENTILES,
    series: [
      { label: 'this run', values: curve(chart) },
      ...(previous ? [{ label: 'previous run', values: curve(previous) }] : []),
    ],
  };
}

/** Each service's PSS (MB), from the memory part's figures (none in runs from before PSS). */
function memoryOf(report: Report | undefined): Map<string, number> {
  const rows = report?.parts.find((p) => p.part === 'memory')?.figures ?? [];
  return new Map(
    rows
      .filter((f) => typeof f.data?.['treePssBytes'] === 'number')
      .map((f) => [String(f.data!['service']), (f.data!['treePssBytes'] as number) / 1024 ** 2]),
  );
}

function memoryChart(report: Report, previous: Report | undefined): PlotChart[] {
  const now = memoryOf(report);
  if (now.size === 0) return [];
  const before = memoryOf(previous);
  const services = [...now.keys()];
  return [
    {
      id: 'memory',
      title: `memory per service: ${services.map((s, i) => `${i + 1} ${s}`).join(', ')}`,
      unit: 'MB',
      time: false,
      xLabel: 'service',
      points: true,
      x: services.map((_, i) => i + 1),
      series: [
        { label: 'this run', values: services.map((s) => now.get(s)!) },
        ...(before.size
          ? [{ label: 'previous run', values: services.map((s) => before.get(s) ?? null) }]
          : []),
      ],
    },
  ];
}

export function benchPlot(report: Report, previous?: Report): PlotPage {
  const figures = report.parts.flatMap((p) => p.figures).filter((f) => f.charts?.length);
  const charts = chartsOf(report);
  const before = chartsOf(previous);
  return {
    title: `pnpm bench, ${report.date}${report.quick ? ' (--quick)' : ''}`,
    notes: [
      `${report.nproc} cores; load average at the start ${formatLoad(report.loadAverageStart)}, at the end ${formatLoad(report.loadAverageEnd)}`,
      ...(previous ? [`previous run: ${previous.date}`] : []),
      ...figures.map((f) => `${f.name}: ${f.value}`),
    ],
    charts: [
      ...charts,
      ...charts
        .filter((c) => DISTRIBUTIONS.includes(c.id))
        .map((c) =>
          distribution(
            c,
            before.find((b) => b.id === c.id),
          ),
        ),
      ...memoryChart(report, previous),
    ],
  };
}
