/**
 * A page of charts in one HTML file that opens without a server or a network: the
 * bench's and the soak's plots. The charts are the console's own (web/charts.js,
 * uPlot, the console's style), inlined with their data.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface PlotChart {
  readonly id: string;
  readonly title: string;
  /** The y axis's unit. */
  readonly unit: string;
  /** x values: seconds since the epoch when `time` (the default), else numbers named by `xLabel`. */
  readonly x: readonly number[];
  readonly series: readonly { label: string; values: readonly (number | null)[] }[];
  readonly time?: boolean;
  readonly xLabel?: string;
  readonly points?: boolean;
}

export interface PlotPage {
  readonly title: string;
  /** Lines under the title: what ran, where, the load average. */
  readonly notes: readonly string[];
  readonly charts: readonly PlotChart[];
}

const require = createRequire(import.meta.url);
const read = (path: string) => readFileSync(path, 'utf8');
const web = (name: string) => read(fileURLToPath(new URL(`../web/${name}`, import.meta.url)));

/** `</script>` cannot end an inlined script early, whatever the text. */
const inline = (text: string) => text.replaceAll('</', '<\\/');
const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function plotPage(page: PlotPage): string {
  const charts = page.charts.map(({ x, series, ...chart }) => ({
    chart: { ...chart, series: series.map((s) => s.label) },
    data: [x, ...series.map((s) => s.values)],
  }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>${escapeHtml(page.title)}</title>
<style>${read(require.resolve('uplot/dist/uPlot.min.css'))}
${web('style.css')}</style>
<script>${inline(read(require.resolve('uplot/dist/uPlot.iife.min.js')))}</script>
</head>
<body>
<header><h1>${escapeHtml(page.title)}</h1></header>
${page.notes.map((note) => `<p>${escapeHtml(note)}</p>`).join('\n')}
<section id="charts"></section>
<script type="module">
${inline(web('charts.js'))}
for (const { chart, data } of ${inline(JSON.stringify(charts))})
  lineChart(document.querySelector('#charts'), chart, data);
</script>
</body>
</html>
`;
}
