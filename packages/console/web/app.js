// The console page: polls the service's JSON every 2 s and draws the flow, the
// tables and the charts (uPlot, served by the console from node_modules).
import { lineChart } from './charts.js';

const $ = (selector) => document.querySelector(selector);
const number = (n) => (n === undefined || n === null ? '-' : n.toLocaleString('en-US'));
const HEALTH = { ok: 'OK', lagging: 'LAGGING', stopped: 'STOPPED' };
const compact = (value) => (value === null || value === undefined ? '' : JSON.stringify(value));

function ago(iso, now) {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

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

function drawVerdicts(status) {
  const now = Date.parse(status.at);
  $('#verdicts tbody').replaceChildren(
    ...(status.verdicts.length === 0
      ? [
          element(
            'tr',
            {},
            element('td', { colspan: '4' }, 'none yet: run pnpm validate or pnpm delta:check'),
          ),
        ]
      : status.verdicts.map((v) =>
          element(
            'tr',
            { 'data-checker': v.checker, 'data-ok': String(v.ok) },
            element('td', {}, v.checker),
            element(
              'td',
              {},
              element(
                'span',
                { class: `badge ${v.ok ? 'ok' : 'stopped'}` },
                v.ok ? 'OK' : 'FAILED',
              ),
            ),
            element('td', { title: v.finishedAt }, ago(v.finishedAt, now)),
            element('td', {}, v.summary),
          ),
        )),
  );
}

/** The table choice follows the captured tables; the first one until the user picks. */
function drawTableChoice(status) {
  const select = $('#change-table');
  const names = status.tables.map((t) => t.table);
  const shown = [...select.options].map((o) => o.value);
  if (names.join() === shown.join()) return;
  const chosen = select.value;
  select.replaceChildren(...names.map((name) => element('option', { value: name }, name)));
  if (names.includes(chosen)) select.value = chosen;
}

async function refreshChanges() {
  const table = $('#change-table').value;
  if (!table) return;
  const response = await fetch(`/api/changes?table=${encodeURIComponent(table)}&limit=20`);
  if (!response.ok) {
    $('#changes-note').textContent = await response.text();
    return;
  }
  const rows = await response.json();
  if (table !== $('#change-table').value) return; // the user picked another meanwhile
  $('#changes-note').textContent = rows.length === 0 ? 'no change in its topic yet' : '';
  $('#changes tbody').replaceChildren(
    ...rows.map((row) =>
      element(
        'tr',
        { 'data-op': row.op ?? 'undecodable' },
        ...(row.error
          ? [
              element('td', {}, `${row.partition}@${row.offset}`),
              element('td', { colspan: '5' }, row.error),
            ]
          : [
              `${row.partition}@${row.offset}`,
              row.op,
              row.commitTime ?? '',
              compact(row.key),
              compact(row.before),
              compact(row.after),
            ].map((text) => element('td', {}, text))),
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
// A figure a sample lacks (no slot yet, no silver commit yet) is a gap, never NaN: one NaN
// makes uPlot's scale NaN and the whole chart empty.
const finite = (value) => (Number.isFinite(value) ? value : null);

function drawCharts({ samples, batches }) {
  for (const chart of CHARTS) {
    const data = chart.batches
      ? [batches.map((b) => b.endedAt / 1000), batches.map((b) => b.durationMs / 1000)]
      : [samples.map((s) => s.at / 1000), samples.map((s) => finite(chart.pick(s)))];
    const plot = plots.get(chart.id);
    if (plot) plot.setData(data);
    else
      plots.set(
        chart.id,
        lineChart(
          $('#charts'),
          {
            id: chart.id,
            title: chart.title,
            unit: chart.unit,
            series: [chart.unit],
            points: chart.batches,
          },
          data,
        ),
      );
  }
}

async function refresh() {
  try {
    const [status, history] = await Promise.all([
      fetch('/api/status').then((r) => r.json()),
      fetch('/api/history').then((r) => r.json()),
    ]);
    drawStatus(status);
    if (status.status) {
      drawVerdicts(status.status);
      drawTableChoice(status.status);
    }
    drawCharts(history);
  } catch (err) {
    $('#verdict').textContent = `the console service does not answer (${err.message})`;
    $('#verdict').className = 'badge stopped';
  }
}

async function refreshChangesSafely() {
  try {
    await refreshChanges();
  } catch (err) {
    $('#changes-note').textContent = `the console service does not answer (${err.message})`;
  }
}

await refresh();
await refreshChangesSafely();
setInterval(refresh, 2000);
setInterval(refreshChangesSafely, 5000);
$('#change-table').addEventListener('change', refreshChangesSafely);
