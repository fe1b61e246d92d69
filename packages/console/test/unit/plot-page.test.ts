import { describe, expect, it } from 'vitest';
import { plotPage } from '../../src/plot-page.js';

describe('plotPage: charts in one HTML file that opens offline', () => {
  const html = plotPage({
    title: 'a run </script> & more',
    notes: ['load average 0.50'],
    charts: [
      {
        id: 'lag',
        title: 'lag',
        unit: 'ms',
        time: false,
        xLabel: 's since the run started',
        x: [0, 1, 2],
        series: [{ label: 'lag </script>', values: [5, null, 7] }],
      },
    ],
  });

  it('inlines uPlot, the console style and its chart module: nothing to fetch', () => {
    expect(html).toContain('uPlot');
    expect(html).toContain('function lineChart(');
    expect(html).toContain('#charts');
    expect(html).not.toMatch(/<script[^>]+src=|<link /);
  });

  it('carries each chart with its data, and no text can end a script early', () => {
    expect(html).toContain('"data":[[0,1,2],[5,null,7]]');
    expect(html).toContain('"series":["lag <\\/script>"]');
    expect(html).toContain('<title>a run &lt;/script&gt; &amp; more</title>');
    // the one closing tag per script element, none from the data
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });
});
