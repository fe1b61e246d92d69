/** The charts a part attaches to its figures for `--plot` (drawn by @mdp/console's plot page). */
import type { PlotChart } from '@mdp/console';

interface Point {
  /** When the sample happened (epoch ms). */
  readonly atMs: number;
  readonly values: readonly (number | null)[];
}

/** Samples over a run: x in seconds since `fromMs`, in time order. */
export function overRun(
  chart: { id: string; title: string; unit: string; labels: readonly string[]; points?: boolean },
  fromMs: number,
  samples: readonly Point[],
): PlotChart {
  const sorted = [...samples].sort((a, b) => a.atMs - b.atMs);
  return {
    id: chart.id,
    title: chart.title,
    unit: chart.unit,
    time: false,
    xLabel: 's since the run started',
    x: sorted.map((s) => (s.atMs - fromMs) / 1000),
    series: chart.labels.map((label, i) => ({
      label,
      values: sorted.map((s) => s.values[i] ?? null),
    })),
    ...(chart.points && { points: true }),
  };
}
