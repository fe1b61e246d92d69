// The console page: polls the service's JSON every 2 s and draws the flow, the
// tables and the charts (uPlot, served by the console from node_modules).
const $ = (selector) => document.querySelector(selector);
const number = (n) => (n === undefined || n === null ? '-' : n.toLocaleString('en-US'));
const HEALTH = { ok: 'OK', lagging: 'LAGGING', stopped: 'STOPPED' };

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function drawStatus({ status, links }) {
  if (!status) return;
  $('#verdict').textContent = status.ok ? 'every stage OK' : 'NOT OK';
  $('#verdict').className = `badge ${status.ok ? 'ok' : 'stopped'}`;
  $('#at').textContent = `as of ${new Date(status.at).toLocaleTimeString()}`;
  $('#links').replaceChildren(
    ...Object.entries(links).map(([name, url]) =>
      element('a', { href: url, target: '_blank' }, name),
    ),
  );
  $('#flow').replaceChildren(
    ...status.stages.map((stage) =>
      element(
        'li',
        { class: stage.health, 'data-stage': stage.name, 'data-health': stage.health },
        element(
          'h3',
          {},
          element('span', {}, stage.name),
          element('span', { class: `badge ${stage.health}` }, HEALTH[stage.health]),
        ),
        element('div', { class: 'summary' }, stage.summary),
        ...(stage.action ? [element('div', { class: 'action' }, `→ ${stage.action}`)] : []),
      ),
    ),
  );
  $('#tables tbody').replaceChildren(
    ...status.tables.map((t) =>
      element(
        'tr',
        { 'data-table': t.table },
        ...[
          t.table,
          number(t.postgresRows),
          number(t.kafkaRecords),
          number(t.sparkBehind),
          number(t.bronze?.rows),
          number(t.silver?.rows),
          number(t.silver?.files),
        ].map((text) => element('td', {}, text)),
      ),
    ),
  );
}

const CHARTS = [
  { id: 'events', title: 'events/s into Kafka', unit: 'events/s', pick: (s) => s.eventsPerSecond },
  {
    id: 'behind',
    title: 'records the Spark job has not done',
    unit: 'records',
    pick: (s) => s.sparkBehind,
  },
  {
    id: 'silver-age',
    title: "silver's newest commit, seconds ago",
    unit: 's',
    pick: (s) => s.silverAgeMs / 1000,
  },
  {
    id: 'wal',
    title: 'WAL not yet confirmed by Connect (CDC lag)',
    unit: 'kB',
    pick: (s) => s.walUnconfirmedBytes / 1024,
  },
  { id: 'batches', title: 'Spark batch durations', unit: 's', batches: true },
];
const plots = new Map();

function drawCharts({ samples, batches }) {
  for (const chart of CHARTS) {
    const data = chart.batches
      ? [batches.map((b) => b.endedAt / 1000), batches.map((b) => b.durationMs / 1000)]
      : [samples.map((s) => s.at / 1000), samples.map((s) => chart.pick(s) ?? null)];
    let plot = plots.get(chart.id);
    if (!plot) {
      const figure = element(
        'figure',
        { 'data-chart': chart.id },
        element('figcaption', {}, chart.title),
      );
      $('#charts').append(figure);
      plot = new uPlot(
        {
          width: 460,
          height: 200,
          series: [
            {},
            { label: chart.unit, stroke: '#0969da', width: 2, points: { show: chart.batches } },
          ],
          axes: [{}, { size: 60 }],
          legend: { show: false },
        },
        data,
        figure,
      );
      plots.set(chart.id, plot);
    } else plot.setData(data);
  }
}

async function refresh() {
  try {
    const [status, history] = await Promise.all([
      fetch('/api/status').then((r) => r.json()),
      fetch('/api/history').then((r) => r.json()),
    ]);
    drawStatus(status);
    drawCharts(history);
  } catch (err) {
    $('#verdict').textContent = `the console service does not answer (${err.message})`;
    $('#verdict').className = 'badge stopped';
  }
}

await refresh();
setInterval(refresh, 2000);
