// Line charts (uPlot, loaded as the global `uPlot`), the same on the console page and
// in the bench's and the soak's plots (src/plot-page.ts inlines this file).
const COLORS = ['#0969da', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bc4c00', '#57606a'];

/**
 * Appends a captioned chart to `container` and returns the uPlot (`setData` redraws it).
 * `data` is uPlot's: [x values, then one array per series]; x is seconds since the epoch
 * when `time`, any number otherwise (its name in `xLabel`).
 */
export function lineChart(container, chart, data) {
  const { id, title, unit, series, points = false, time = true, xLabel } = chart;
  const figure = document.createElement('figure');
  figure.dataset.chart = id;
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  figure.append(caption);
  container.append(figure);
  return new uPlot(
    {
      width: 460,
      height: 220,
      scales: { x: { time } },
      series: [
        { label: xLabel ?? (time ? 'time' : 'x') },
        ...series.map((label, i) => ({
          label,
          stroke: COLORS[i % COLORS.length],
          width: 2,
          points: { show: points },
        })),
      ],
      axes: [xLabel ? { label: xLabel } : {}, { size: 60, label: unit }],
      legend: { show: series.length > 1 },
    },
    data,
    figure,
  );
}
